#!/usr/bin/perl
# smpp-client.pl: a tiny ESME on Debian's Net::SMPP, to exercise SMSC peers
# (tests/peers/smsc.pl, tools/smsc-sim). Binds, submits --count messages, waits for the
# delivery receipts (and --expect-mo mobile-originated messages), prints one line per
# PDU received, unbinds.
#
#   smpp-client.pl [--host 127.0.0.1] [--port 2775] [--system-id test] [--password pw]
#       [--bind transceiver|transmitter]   (transmitter: receipts come on a 2nd, receiver bind)
#       [--from SMSGW] [--to 33601020304] [--text "Hello"] [--coding auto|gsm|latin1|ucs2]
#       [--registered-delivery 1] [--count 1] [--expect-dlr N] [--expect-mo N]
#       [--timeout 10]
#
# Output (stdout, one line each):
#   BOUND type=transceiver status=0x00000000
#   SUBMIT_SM_RESP seq=2 status=0x00000000 message_id=1A2B3C4D
#   DELIVER_SM seq=1 esm_class=0x04 from=33601020304 to=SMSGW data_coding=0x00
#       receipted_message_id=1A2B3C4D message_state=2 text="id:1A2B3C4D sub:001 ..."
#   (one line; receipted_message_id/message_state only when the TLVs are present)
#   DONE receipts=1 mo=0
# Exit status: 0 when every expected receipt/MO arrived and every submit was accepted,
# 1 otherwise (time-out, refused bind or submit), 2 on bad usage.
use strict;
use warnings;
use utf8;
use FindBin;
use lib $FindBin::Bin;
use Encode ();
use Getopt::Long qw(GetOptions);
use IO::Select;
use Net::SMPP;
use Time::HiRes qw(time);
use SmppPeer qw(encode_text decode_text);

binmode STDOUT, ':encoding(UTF-8)';
$| = 1;

my %o = (host => '127.0.0.1', port => 2775, 'system-id' => 'test', password => 'pw',
         bind => 'transceiver', from => 'SMSGW', to => '33601020304',
         text => 'Hello from smpp-client', coding => 'auto', 'registered-delivery' => 1,
         count => 1, 'expect-mo' => 0, timeout => 10);
GetOptions(\%o, 'host=s', 'port=i', 'system-id=s', 'password=s', 'bind=s', 'from=s', 'to=s',
           'text=s', 'coding=s', 'registered-delivery=i', 'count=i', 'expect-dlr=i',
           'expect-mo=i', 'timeout=f') or exit 2;
$o{bind} =~ /^(transceiver|transmitter)$/ or die "--bind transceiver|transmitter\n";
$o{'expect-dlr'} //= ($o{'registered-delivery'} & 3) == 1 ? $o{count} : 0;
my $text = Encode::decode('UTF-8', $o{text});

sub addr_ton { my $a = shift; return $a =~ /^\d{7,}$/ ? (1, 1) : $a =~ /^\d+$/ ? (3, 0) : (5, 0) }

my $deadline = time + $o{timeout};
my $failed = 0;

# Connects and binds; returns the Net::SMPP object.
sub open_bind {
    my ($type) = @_;
    my $c = Net::SMPP->new_connect($o{host}, port => $o{port}, async => 1,
                                   system_id => $o{'system-id'}, password => $o{password})
        or die "cannot connect to $o{host}:$o{port}: $!\n";
    my $seq = $type eq 'receiver' ? $c->bind_receiver()
            : $type eq 'transmitter' ? $c->bind_transmitter() : $c->bind_transceiver();
    my $resp = wait_for($c, sub { $_[0]->{seq} == $seq && ($_[0]->{cmd} & 0x80000000) });
    die "no bind response\n" unless $resp;
    printf "BOUND type=%s status=0x%08X\n", $type, $resp->{status};
    exit 1 if $resp->{status};
    return $c;
}

my @conns;
my ($receipts, $mos, $resps) = (0, 0, 0);

sub on_deliver {
    my ($c, $pdu) = @_;
    my $t = decode_text($pdu->{short_message} // '', $pdu->{data_coding} // 0);
    $t =~ s/(["\\])/\\$1/g;
    $t =~ s/\n/\\n/g;
    $t =~ s/\r/\\r/g;
    my $extra = '';
    if (defined $pdu->{receipted_message_id}) {
        (my $id = $pdu->{receipted_message_id}) =~ s/\0.*//s;
        $extra .= " receipted_message_id=$id";
    }
    $extra .= ' message_state=' . unpack('C', $pdu->{message_state}) if defined $pdu->{message_state};
    printf "DELIVER_SM seq=%d esm_class=0x%02X from=%s to=%s data_coding=0x%02X%s text=\"%s\"\n",
        $pdu->{seq}, $pdu->{esm_class}, $pdu->{source_addr}, $pdu->{destination_addr},
        $pdu->{data_coding}, $extra, $t;
    $c->deliver_sm_resp(seq => $pdu->{seq}, message_id => '');
    if (($pdu->{esm_class} & 0x3C) == 0x04) { $receipts++ } else { $mos++ }
}

# Handles one incoming PDU that is not what a caller waits for.
sub handle {
    my ($c, $pdu) = @_;
    my $cmd = $pdu->{cmd};
    if ($cmd == Net::SMPP::CMD_deliver_sm) { on_deliver($c, $pdu) }
    elsif ($cmd == Net::SMPP::CMD_enquire_link) { $c->enquire_link_resp(seq => $pdu->{seq}) }
    elsif ($cmd == Net::SMPP::CMD_submit_sm_resp) {
        $resps++;
        printf "SUBMIT_SM_RESP seq=%d status=0x%08X message_id=%s\n", $pdu->{seq},
            $pdu->{status}, $pdu->{message_id} // '';
        $failed = 1 if $pdu->{status};
    } elsif ($cmd == Net::SMPP::CMD_unbind) {
        $c->unbind_resp(seq => $pdu->{seq});
        printf "UNBIND from peer\n";
    } elsif (!($cmd & 0x80000000)) {
        $c->generic_nack(seq => $pdu->{seq}, status => 3);
    } else {
        printf "PDU cmd=0x%08X seq=%d status=0x%08X\n", $cmd, $pdu->{seq}, $pdu->{status};
    }
}

# Reads PDUs from every connection until $want->($pdu) is true for one read on $c (returns
# it) or the deadline passes (returns undef). With $want undef, runs until $done->().
sub wait_for {
    my ($c, $want, $done) = @_;
    my $sel = IO::Select->new(@conns ? @conns : $c);
    $sel->add($c);
    local $SIG{__WARN__} = sub { warn @_ unless $_[0] =~ /^Unknown tag/ };
    while (time < $deadline) {
        return undef if $done && $done->();
        for my $r ($sel->can_read($deadline - time)) {
            my $pdu = $r->read_pdu() or die "connection closed by peer\n";
            return $pdu if $want && $r == $c && $want->($pdu);
            handle($r, $pdu);
        }
    }
    return undef;
}

my $tx = open_bind($o{bind});
push @conns, $tx;
push @conns, open_bind('receiver') if $o{bind} eq 'transmitter';

my ($bytes, $dcs) = encode_text($text, $o{coding});
my @src = addr_ton($o{from});
for (1 .. $o{count}) {
    $tx->submit_sm(source_addr => $o{from}, source_addr_ton => $src[0], source_addr_npi => $src[1],
                   destination_addr => $o{to}, dest_addr_ton => 1, dest_addr_npi => 1,
                   registered_delivery => $o{'registered-delivery'}, data_coding => $dcs,
                   short_message => $bytes);
}
wait_for($tx, undef, sub {
    $resps >= $o{count} && $receipts >= $o{'expect-dlr'} && $mos >= $o{'expect-mo'} });
my $ok = !$failed && $resps >= $o{count} && $receipts >= $o{'expect-dlr'} && $mos >= $o{'expect-mo'};
printf "DONE receipts=%d mo=%d%s\n", $receipts, $mos, $ok ? '' : ' TIMEOUT_OR_ERROR';
for my $c (@conns) {
    $deadline = time + 2;
    my $seq = $c->unbind();
    my $r = wait_for($c, sub { $_[0]->{cmd} == Net::SMPP::CMD_unbind_resp && $_[0]->{seq} == $seq });
    printf "UNBIND_RESP status=0x%08X\n", $r->{status} if $r;
    @conns = grep { $_ != $c } @conns;
    close $c;
}
exit($ok ? 0 : 1);
