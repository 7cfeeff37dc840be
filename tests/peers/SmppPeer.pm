# SmppPeer: small helpers shared by smsc.pl and smpp-client.pl (test peers built on
# Debian's Net::SMPP). Pure functions, no state:
#   encode_text($perl_string, $coding) -> ($bytes, $data_coding)
#       $coding: 'auto' (GSM 03.38 unpacked if every character fits, else Latin-1 if it
#       fits, else UCS-2 big-endian), 'gsm' (0x00), 'latin1' (0x03), 'ucs2' (0x08).
#   decode_text($bytes, $data_coding) -> perl string (GSM unpacked, IA5, Latin-1, UCS-2;
#       anything else as "<hex:...>")
#   receipt_text($perl_string) -> at most 20 characters that are the same in ASCII and in
#       the GSM default alphabet (letters, digits, space, !"#%&'()*+,-./:;<=>?), '?' for
#       others, so the receipt can go out with data_coding 0
#   receipt_date($epoch) -> "YYMMDDhhmm" (UTC)
#   iso_now() -> "2025-01-31T12:34:56.789Z"
package SmppPeer;

use strict;
use warnings;
use Encode ();
use POSIX qw(strftime);
use Time::HiRes ();

use Exporter 'import';
our @EXPORT_OK = qw(encode_text decode_text receipt_text receipt_date iso_now);

# 3GPP TS 23.038 default alphabet, septet value -> code point
my @GSM = (
    0x40, 0xA3, 0x24, 0xA5, 0xE8, 0xE9, 0xF9, 0xEC, 0xF2, 0xC7, 0x0A, 0xD8, 0xF8, 0x0D, 0xC5, 0xE5,
    0x394, 0x5F, 0x3A6, 0x393, 0x39B, 0x3A9, 0x3A0, 0x3A8, 0x3A3, 0x398, 0x39E, 0xA0, 0xC6, 0xE6, 0xDF, 0xC9,
    0x20 .. 0x23, 0xA4, 0x25 .. 0x3F,
    0xA1, 0x41 .. 0x5A, 0xC4, 0xD6, 0xD1, 0xDC, 0xA7,
    0xBF, 0x61 .. 0x7A, 0xE4, 0xF6, 0xF1, 0xFC, 0xE0,
);
my %GSM_EXT = (0x0A => 0x0C, 0x14 => 0x5E, 0x28 => 0x7B, 0x29 => 0x7D, 0x2F => 0x5C,
               0x3C => 0x5B, 0x3D => 0x7E, 0x3E => 0x5D, 0x40 => 0x7C, 0x65 => 0x20AC);
my (%TO_GSM, %TO_GSM_EXT);
die "GSM table has " . scalar(@GSM) . " entries" unless @GSM == 128;
for my $i (0 .. 127) { $TO_GSM{ $GSM[$i] } = $i unless $i == 0x1B }
$TO_GSM_EXT{ $GSM_EXT{$_} } = $_ for keys %GSM_EXT;

sub gsm_encode {
    my ($s) = @_;
    my $out = '';
    for my $cp (map { ord } split //, $s) {
        if (exists $TO_GSM{$cp}) { $out .= chr $TO_GSM{$cp} }
        elsif (exists $TO_GSM_EXT{$cp}) { $out .= "\x1B" . chr $TO_GSM_EXT{$cp} }
        else { return undef }
    }
    return $out;
}

sub encode_text {
    my ($s, $coding) = @_;
    $coding //= 'auto';
    if ($coding eq 'gsm' || $coding eq 'auto') {
        my $g = gsm_encode($s);
        return ($g, 0x00) if defined $g;
        die "text not encodable in GSM 03.38\n" if $coding eq 'gsm';
    }
    if ($coding eq 'latin1' || ($coding eq 'auto' && $s !~ /[^\x00-\xFF]/)) {
        die "text not encodable in Latin-1\n" if $s =~ /[^\x00-\xFF]/;
        return (Encode::encode('ISO-8859-1', $s), 0x03);
    }
    return (Encode::encode('UTF-16BE', $s), 0x08) if $coding eq 'ucs2' || $coding eq 'auto';
    die "unknown coding $coding\n";
}

sub decode_text {
    my ($b, $dcs) = @_;
    $b //= '';
    if ($dcs == 0x00) {
        my $out = '';
        my @c = map { ord } split //, $b;
        for (my $i = 0; $i < @c; $i++) {
            my $c = $c[$i];
            if ($c > 0x7F) { $out .= "\x{FFFD}"; next }
            if ($c == 0x1B && $i + 1 < @c) {
                my $e = $c[++$i];
                $out .= chr($GSM_EXT{$e} // $GSM[$e & 0x7F]);
                next;
            }
            $out .= chr $GSM[$c];
        }
        return $out;
    }
    return $b =~ tr/\x00-\x7F//cr if $dcs == 0x01;
    return Encode::decode('ISO-8859-1', $b) if $dcs == 0x03;
    return Encode::decode('UTF-16BE', $b) if $dcs == 0x08;
    return '<hex:' . unpack('H*', $b) . '>';
}

sub receipt_text {
    my ($s) = @_;
    $s = substr($s, 0, 20);
    $s =~ s/[^A-Za-z0-9 !"#%&'()*+,\-.\/:;<=>?]/?/g;
    return $s;
}

sub receipt_date { return strftime('%y%m%d%H%M', gmtime($_[0] // time)) }

sub iso_now {
    my $t = Time::HiRes::time();
    return strftime('%Y-%m-%dT%H:%M:%S', gmtime $t) . sprintf('.%03dZ', ($t - int $t) * 1000);
}

1;
