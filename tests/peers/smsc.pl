#!/usr/bin/perl
# smsc.pl: an SMSC peer on Debian's Net::SMPP (libnet-smpp-perl), the independent judge
# of smsgw's SMPP client in integration tests. Single process, select() loop, several
# sessions at once (each PDU is read whole once its socket is readable).
#
#   smsc.pl --port N [--host 127.0.0.1] [--log FILE] [--system-id X --password Y]
#           [--dlr-delay S] [--dlr-stat STAT] [--fail-prefix DIGITS]... [--no-dlr]
#           [--receipt-id hex|dec] [--dlr-before-resp]
#           [--submit-status 0xNN [--submit-status-count K]]
#           [--mo FROM:TO:TEXT]... [--resp-delay S [--resp-delay-count K]]
#           [--close-after N] [--unbind-after N] [--hostile FILE]
#
#   --port N            TCP port (0 = any free port; the READY line tells which)
#   --log FILE          one JSON object per line per submit_sm received (see below)
#   --system-id/--password  credentials a bind must present (default: accept any)
#   --dlr-delay S       seconds before the delivery receipt (default 1, fractions ok)
#   --dlr-stat STAT     stat: of every receipt (default DELIVRD; UNDELIV, EXPIRED,
#                       REJECTD, DELETED, UNKNOWN, ACCEPTD, ENROUTE)
#   --fail-prefix P     destinations starting with P get stat:UNDELIV (repeatable)
#   --no-dlr            never send receipts
#   --receipt-id dec    receipts carry the message id in decimal (the submit_sm_resp has
#                       hex), as some SMSCs do
#   --dlr-before-resp   send the receipt as soon as the submit_sm is read, before its
#                       submit_sm_resp (--dlr-delay ignored; with --resp-delay the
#                       response follows that much later)
#   --submit-status X   answer submit_sm with command_status X (e.g. 0x58 throttled),
#                       for the first K submits only with --submit-status-count K
#   --mo FROM:TO:TEXT   after the first receiver/transceiver bind, send this
#                       mobile-originated deliver_sm (esm_class 0; TEXT is UTF-8, sent as
#                       GSM 03.38, Latin-1 or UCS-2); repeatable
#   --mo-after-submit   hold the --mo messages until the first submit_sm was answered,
#                       then send them --dlr-delay + 0.5 s later (after its receipt) to a
#                       receiver of the submitter's system_id: a reply to a message
#   --resp-delay S      answer each submit_sm S seconds late (fractions ok; other PDUs are
#                       still read and answered meanwhile), only the first K submits with
#                       --resp-delay-count K
#   --close-after N     on receiving the N-th submit_sm (all sessions counted), close that
#                       connection without answering it nor any submit still unanswered
#                       (once; "UNANSWERED" lines name them)
#   --unbind-after N    after answering the N-th submit_sm, send unbind on that session
#                       (once); the session closes on the unbind_resp
#   --hostile FILE      after every successful bind, send the raw PDUs of FILE (lines
#                       "name<TAB>hex", # comments), one every 0.1 s, on the newest bound
#                       session; "HOSTILE sess=N name=X" per PDU, "HOSTILE_DONE" after the
#                       last one
#
# Receipts honour registered_delivery (bits 0-1: 1 always, 2 on failure, 3 on success),
# go to a receiver/transceiver bound with the submitter's system_id (the submitting
# session first), and are held until one binds if none is. Text (SMPP 3.4 appendix B):
#   id:<id> sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD
#   err:000 text:<first 20 chars>
# with TLVs receipted_message_id (0x001E, C string), message_state (0x0427: 1 ENROUTE,
# 2 DELIVRD, 3 EXPIRED, 4 DELETED, 5 UNDELIV, 6 ACCEPTD, 7 UNKNOWN, 8 REJECTD) and, when
# not delivered, network_error_code (0x0423, 03 00 01). Dates are UTC.
#
# stdout, one line per event, flushed: first "READY port N", then e.g.
#   CONNECT peer=127.0.0.1:40000 sess=1
#   BIND sess=1 type=transceiver system_id=smsgw status=0x00000000
#   SUBMIT sess=1 seq=2 id=0000A001 status=0x00000000 to=33601020304 inflight=1
#       (written when the submit_sm_resp is sent; inflight: submits of that session
#       unanswered when this one arrived, itself included)
#   UNANSWERED sess=1 seq=3 to=33601020304 (a submit dropped by --close-after)
#   DLR sess=1 seq=1 id=0000A001 stat=DELIVRD
#   MO sess=1 seq=2 from=33601020304 to=36111
#   DELIVER_SM_RESP sess=1 seq=1 status=0x00000000
#   UNBIND sess=1 / CLOSE sess=1 reason=...
#   UNBIND_SENT sess=1 seq=9 / UNBIND_RESP sess=1 seq=9 status=0x00000000 (--unbind-after)
#   RESP sess=1 cmd=0x80000000 seq=3 status=0x00000003 (e.g. our client's generic_nack)
# --log line keys: time, sess, system_id, seq, service_type, source_addr_ton,
#   source_addr_npi, source_addr, dest_addr_ton, dest_addr_npi, destination_addr,
#   esm_class, protocol_id, priority_flag, schedule_delivery_time, validity_period,
#   registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id,
#   sm_length, short_message_hex, message_id ("" when refused), command_status,
#   sar_msg_ref_num / sar_total_segments / sar_segment_seqnum / message_payload (hex,
#   when present), tlvs (every TLV in wire order, as [["0x020c","0001"], ...]).
#   Integers are JSON numbers.
# Exits 0 on SIGINT/SIGTERM.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use Encode ();
use Getopt::Long qw(GetOptions);
use IO::Select;
use JSON::PP ();
use Net::SMPP;
use Socket qw(IPPROTO_TCP TCP_NODELAY MSG_PEEK);
use Time::HiRes qw(time);
use SmppPeer qw(encode_text decode_text receipt_text receipt_date iso_now);

$| = 1;
my %STATE = (ENROUTE => 1, DELIVRD => 2, EXPIRED => 3, DELETED => 4, UNDELIV => 5,
             ACCEPTD => 6, UNKNOWN => 7, REJECTD => 8);
my %o = (host => '127.0.0.1', port => 2775, 'dlr-delay' => 1, 'dlr-stat' => 'DELIVRD',
         'fail-prefix' => [], mo => [], 'receipt-id' => 'hex');
GetOptions(\%o, 'host=s', 'port=i', 'log=s', 'system-id=s', 'password=s', 'dlr-delay=f',
           'dlr-stat=s', 'fail-prefix=s@', 'no-dlr', 'receipt-id=s', 'dlr-before-resp',
           'submit-status=s', 'submit-status-count=i', 'mo=s@', 'mo-after-submit', 'resp-delay=f',
           'resp-delay-count=i', 'close-after=i', 'unbind-after=i', 'hostile=s') or exit 2;
die "unknown --dlr-stat $o{'dlr-stat'}\n" unless $STATE{ $o{'dlr-stat'} };
die "--receipt-id hex|dec\n" unless $o{'receipt-id'} =~ /^(hex|dec)$/;
my $submit_status = defined $o{'submit-status'} ? oct($o{'submit-status'} =~ /^0/ ? $o{'submit-status'} : "0x$o{'submit-status'}") : 0;
my @mo = map { /^([^:]*):([^:]*):(.*)$/s or die "--mo FROM:TO:TEXT\n"; [$1, $2, Encode::decode('UTF-8', $3)] } @{ $o{mo} };

my @hostile;
if ($o{hostile}) {
    open(my $h, '<', $o{hostile}) or die "cannot open $o{hostile}: $!\n";
    while (<$h>) {
        next if /^\s*(#|$)/;
        chomp;
        my ($name, $hex) = split /\t/;
        die "--hostile: bad line $.\n" unless defined $hex && $hex =~ /^([0-9a-fA-F]{2})*$/;
        push @hostile, [$name, pack('H*', $hex)];
    }
}
my $submits_seen = 0;
my $mo_released = !$o{'mo-after-submit'};    # --mo may go (at once without the option)

my $json = JSON::PP->new->canonical(1);
my $logfh;
if ($o{log}) {
    open($logfh, '>>', $o{log}) or die "cannot open $o{log}: $!\n";
    $logfh->autoflush(1);
}

my $listener = Net::SMPP->new_listen($o{host}, port => $o{port}, async => 1, listen => 128,
                                     system_id => 'SMSCPL')
    or die "cannot listen on $o{host}:$o{port}: $!\n";
print "READY port ", $listener->sockport, "\n";

my $sel = IO::Select->new($listener);
my %sess;            # fileno -> { c, id, type, system_id, peer }
my $next_sess = 1;
my $next_id = 0xA000 + ($$ % 0x1000) * 0x10000;
my @timers;          # [due, code] sorted by due
my @held;            # receipts waiting for a receiver
my $stop = 0;
$SIG{INT} = $SIG{TERM} = sub { $stop = 1 };
$SIG{PIPE} = 'IGNORE';
$SIG{__WARN__} = sub { warn @_ unless $_[0] =~ /^Unknown tag|premature eof|error reading/ };

sub hex_of { return unpack('H*', $_[0] // '') }

sub at {
    my ($due, $code) = @_;
    push @timers, [$due, $code];
    @timers = sort { $a->[0] <=> $b->[0] } @timers;
}

sub close_sess {
    my ($s, $why) = @_;
    $s->{closed} = 1;
    for my $seq (sort { $a <=> $b } keys %{ $s->{pending} // {} }) {
        print "UNANSWERED sess=$s->{id} seq=$seq to=$s->{pending}{$seq}\n";
    }
    print "CLOSE sess=$s->{id} reason=$why\n";
    $sel->remove($s->{c});
    delete $sess{ fileno $s->{c} };
    close $s->{c};
}

sub can_receive { my $s = shift; return $s->{type} && $s->{type} ne 'transmitter' }

sub find_receiver {
    my ($system_id, $prefer) = @_;
    my @ok = grep { can_receive($_) && $_->{system_id} eq $system_id } values %sess;
    my ($p) = grep { $_->{id} == $prefer } @ok;
    return $p // (sort { $a->{id} <=> $b->{id} } @ok)[0];
}

sub send_receipt {
    my ($r) = @_;
    my $s = find_receiver($r->{system_id}, $r->{sess});
    return 0 unless $s;
    my $id = $o{'receipt-id'} eq 'dec' ? hex($r->{id}) : $r->{id};
    my $failed = $r->{stat} ne 'DELIVRD';
    my $text = sprintf('id:%s sub:001 dlvrd:%s submit date:%s done date:%s stat:%s err:%s text:%s',
                       $id, $failed ? '000' : '001', receipt_date($r->{submitted}),
                       receipt_date(time), $r->{stat}, $failed ? '001' : '000', $r->{text});
    my $seq = $s->{c}->deliver_sm(
        source_addr_ton => $r->{dst_ton}, source_addr_npi => $r->{dst_npi}, source_addr => $r->{dst},
        dest_addr_ton => $r->{src_ton}, dest_addr_npi => $r->{src_npi}, destination_addr => $r->{src},
        esm_class => 0x04, data_coding => 0, short_message => $text,
        receipted_message_id => "$id\0", message_state => pack('C', $STATE{ $r->{stat} }),
        ($failed ? (network_error_code => pack('CCC', 3, 0, 1)) : ()));
    print "DLR sess=$s->{id} seq=$seq id=$id stat=$r->{stat}\n";
    return 1;
}

sub release_held {
    my @h = @held;
    @held = ();
    for my $r (@h) { push @held, $r unless send_receipt($r) }
}

sub send_mo {
    my ($s) = @_;
    return unless $mo_released;
    while (my $m = shift @mo) {
        my ($from, $to, $text) = @$m;
        my ($bytes, $dcs) = encode_text($text, 'auto');
        my @ft = $from =~ /^\d{7,}$/ ? (1, 1) : $from =~ /^\d+$/ ? (3, 0) : (5, 0);
        my @tt = $to =~ /^\d{7,}$/ ? (1, 1) : $to =~ /^\d+$/ ? (3, 0) : (5, 0);
        my $seq = $s->{c}->deliver_sm(source_addr_ton => $ft[0], source_addr_npi => $ft[1],
            source_addr => $from, dest_addr_ton => $tt[0], dest_addr_npi => $tt[1],
            destination_addr => $to, esm_class => 0, data_coding => $dcs, short_message => $bytes);
        print "MO sess=$s->{id} seq=$seq from=$from to=$to\n";
    }
}

my %BIND = (Net::SMPP::CMD_bind_transceiver() => 'transceiver',
            Net::SMPP::CMD_bind_transmitter() => 'transmitter',
            Net::SMPP::CMD_bind_receiver() => 'receiver');

sub on_bind {
    my ($s, $pdu) = @_;
    my $type = $BIND{ $pdu->{cmd} };
    my $status = 0;
    $status = 0x05 if $s->{type};
    $status ||= 0x0F if defined $o{'system-id'} && $pdu->{system_id} ne $o{'system-id'};
    $status ||= 0x0E if defined $o{password} && $pdu->{password} ne $o{password};
    my $m = $type eq 'transceiver' ? 'bind_transceiver_resp'
          : $type eq 'transmitter' ? 'bind_transmitter_resp' : 'bind_receiver_resp';
    $s->{c}->$m(seq => $pdu->{seq}, status => $status, system_id => 'SMSCPL');
    print "BIND sess=$s->{id} type=$type system_id=$pdu->{system_id} status=",
        sprintf('0x%08X', $status), "\n";
    return if $status;
    @$s{qw(type system_id)} = ($type, $pdu->{system_id});
    at(time + 0.1, sub { send_hostile($s) }) if @hostile;
    if (can_receive($s)) {
        send_mo($s);
        release_held();
    }
}

sub send_hostile {
    my ($s) = @_;
    return if $s->{closed} || !@hostile;
    my ($name, $bytes) = @{ shift @hostile };
    print "HOSTILE sess=$s->{id} name=$name\n";
    syswrite($s->{c}, $bytes);
    print "HOSTILE_DONE\n" unless @hostile;
    at(time + 0.1, sub { send_hostile($s) }) if @hostile;
}

# TLVs of a submit_sm in wire order: ([tag, value], ...).
sub tlvs_of {
    my ($pdu) = @_;
    my $off = Net::SMPP::decode_submit_v34({ data => $pdu->{data} });
    my @t;
    while ($off + 4 <= length $pdu->{data}) {
        my ($tag, $len) = unpack 'nn', substr($pdu->{data}, $off, 4);
        push @t, [$tag, substr($pdu->{data}, $off + 4, $len)];
        $off += 4 + $len;
    }
    return @t;
}

my %NAMED_TLV = (0x020C => 'sar_msg_ref_num', 0x020E => 'sar_total_segments',
                 0x020F => 'sar_segment_seqnum', 0x0424 => 'message_payload');

sub log_submit {
    my ($s, $pdu, $id, $status) = @_;
    return unless $logfh;
    my %rec = (time => iso_now(), sess => $s->{id}, system_id => $s->{system_id} // '',
               seq => $pdu->{seq}, message_id => $id, command_status => $status,
               short_message_hex => hex_of($pdu->{short_message}),
               sm_length => length($pdu->{short_message} // ''));
    $rec{$_} = $pdu->{$_} // '' for qw(service_type source_addr destination_addr
        schedule_delivery_time validity_period);
    $rec{$_} = 0 + ($pdu->{$_} // 0) for qw(source_addr_ton source_addr_npi dest_addr_ton
        dest_addr_npi esm_class protocol_id priority_flag registered_delivery
        replace_if_present_flag data_coding sm_default_msg_id);
    my @t = tlvs_of($pdu);
    $rec{tlvs} = [map { [sprintf('0x%04x', $_->[0]), hex_of($_->[1])] } @t];
    for (@t) { $rec{ $NAMED_TLV{ $_->[0] } } = hex_of($_->[1]) if $NAMED_TLV{ $_->[0] } }
    print $logfh $json->encode(\%rec), "\n";
}

sub user_text {
    my ($pdu) = @_;
    my $ud = $pdu->{short_message} // '';
    $ud = $pdu->{message_payload} // '' if $ud eq '';
    $ud = substr($ud, 1 + ord $ud) if ($pdu->{esm_class} & 0x40) && length($ud) > ord $ud;
    return decode_text($ud, $pdu->{data_coding} // 0);
}

sub answer_submit {
    my ($s, $pdu, $r, $status, $want) = @_;
    return if $s->{closed};
    delete $s->{pending}{ $pdu->{seq} };
    my $early = $want && $o{'dlr-before-resp'}; # sent by on_submit
    $s->{c}->submit_sm_resp(seq => $pdu->{seq}, status => $status, message_id => $r->{id});
    printf "SUBMIT sess=%d seq=%d id=%s status=0x%08X to=%s inflight=%d\n", $s->{id},
        $pdu->{seq}, $r->{id}, $status, $r->{dst}, $r->{inflight};
    at(time + $o{'dlr-delay'}, sub { push @held, $r unless send_receipt($r) }) if $want && !$early;
    if (!$mo_released && !$status) {
        $mo_released = 1;
        at(time + $o{'dlr-delay'} + 0.5, sub {
            my $rs = find_receiver($r->{system_id}, $s->{id});
            send_mo($rs) if $rs;
        });
    }
    if (defined $o{'unbind-after'} && $submits_seen >= $o{'unbind-after'}) {
        delete $o{'unbind-after'};
        my $seq = $s->{c}->unbind();
        print "UNBIND_SENT sess=$s->{id} seq=$seq\n";
    }
}

sub on_submit {
    my ($s, $pdu) = @_;
    $submits_seen++;
    my $status = !$s->{type} || $s->{type} eq 'receiver' ? 0x04 : 0;
    if (!$status && $submit_status) {
        if (!defined $o{'submit-status-count'} || $o{'submit-status-count'}-- > 0) {
            $status = $submit_status;
        }
    }
    my $id = $status ? '' : sprintf('%08X', $next_id++);
    log_submit($s, $pdu, $id, $status);
    my $to = $pdu->{destination_addr} // '';
    $s->{pending}{ $pdu->{seq} } = $to;
    my $stat = (grep { index($to, $_) == 0 } @{ $o{'fail-prefix'} }) ? 'UNDELIV' : $o{'dlr-stat'};
    my $reg = ($pdu->{registered_delivery} // 0) & 3;
    my $want = !$status && !$o{'no-dlr'}
        && ($reg == 1 || ($reg == 2 && $stat ne 'DELIVRD') || ($reg == 3 && $stat eq 'DELIVRD'));
    my $r = { id => $id, sess => $s->{id}, system_id => $s->{system_id}, stat => $stat,
              submitted => time, text => receipt_text(user_text($pdu)),
              src => $pdu->{source_addr}, src_ton => $pdu->{source_addr_ton},
              src_npi => $pdu->{source_addr_npi}, dst => $to,
              dst_ton => $pdu->{dest_addr_ton}, dst_npi => $pdu->{dest_addr_npi},
              inflight => scalar keys %{ $s->{pending} } };
    if (defined $o{'close-after'} && $submits_seen >= $o{'close-after'}) {
        delete $o{'close-after'};
        return close_sess($s, 'close-after');
    }
    push @held, $r if $want && $o{'dlr-before-resp'} && !send_receipt($r);
    my $delay = $o{'resp-delay'};
    if ($delay && (!defined $o{'resp-delay-count'} || $o{'resp-delay-count'}-- > 0)) {
        at(time + $delay, sub { answer_submit($s, $pdu, $r, $status, $want) });
    } else {
        answer_submit($s, $pdu, $r, $status, $want);
    }
}

sub on_pdu {
    my ($s, $pdu) = @_;
    my $cmd = $pdu->{cmd};
    my $c = $s->{c};
    if ($BIND{$cmd}) { on_bind($s, $pdu) }
    elsif ($cmd == Net::SMPP::CMD_submit_sm) { on_submit($s, $pdu) }
    elsif ($cmd == Net::SMPP::CMD_enquire_link) { $c->enquire_link_resp(seq => $pdu->{seq}) }
    elsif ($cmd == Net::SMPP::CMD_unbind) {
        $c->unbind_resp(seq => $pdu->{seq});
        print "UNBIND sess=$s->{id}\n";
        close_sess($s, 'unbind');
    } elsif ($cmd == Net::SMPP::CMD_unbind_resp) {
        printf "UNBIND_RESP sess=%d seq=%d status=0x%08X\n", $s->{id}, $pdu->{seq}, $pdu->{status};
        close_sess($s, 'unbound');
    } elsif ($cmd == Net::SMPP::CMD_deliver_sm_resp) {
        printf "DELIVER_SM_RESP sess=%d seq=%d status=0x%08X\n", $s->{id}, $pdu->{seq}, $pdu->{status};
    } elsif ($cmd & 0x80000000) {
        printf "RESP sess=%d cmd=0x%08X seq=%d status=0x%08X\n", $s->{id}, $cmd, $pdu->{seq}, $pdu->{status};
    } else {
        $c->generic_nack(seq => $pdu->{seq}, status => 0x03);
        printf "NACK sess=%d cmd=0x%08X seq=%d\n", $s->{id}, $cmd, $pdu->{seq};
    }
}

sub accept_one {
    my $c = $listener->accept or return;
    setsockopt($c, IPPROTO_TCP, TCP_NODELAY, 1);
    my $s = { c => $c, id => $next_sess++, peer => $c->peerhost . ':' . $c->peerport };
    $sess{ fileno $c } = $s;
    $sel->add($c);
    print "CONNECT peer=$s->{peer} sess=$s->{id}\n";
}

sub read_one {
    my ($s) = @_;
    my $hdr = '';
    my $n = recv($s->{c}, $hdr, 4, MSG_PEEK);
    return close_sess($s, 'peer closed') if !defined $n || length($hdr) == 0;
    if (length($hdr) == 4) {
        my $len = unpack 'N', $hdr;
        return close_sess($s, "bad command_length $len") if $len < 16 || $len > 65536;
    }
    my $pdu = $s->{c}->read_pdu() or return close_sess($s, 'peer closed');
    on_pdu($s, $pdu);
}

sub fire_timers {
    while (@timers && $timers[0][0] <= time) {
        (shift @timers)->[1]->();
    }
}

while (!$stop) {
    my $wait = @timers ? $timers[0][0] - time : 1;
    $wait = 0 if $wait < 0;
    for my $fh ($sel->can_read($wait > 1 ? 1 : $wait)) {
        if ($fh == $listener) { accept_one() }
        elsif (my $s = $sess{ fileno $fh }) { read_one($s) }
    }
    fire_timers();
}
close_sess($_, 'shutdown') for values %sess;
print "STOP\n";
exit 0;
