#!/usr/bin/env bash
# Regenerates the stripping fixtures in this folder from the metadata fixtures of the Core tests
# (tests/Kalisto.MediaGate.Core.Tests/Data), adding the other identifiers an approved copy must lose:
# GPS, free-text EXIF (ImageDescription, Artist, Copyright, UserComment, XP tags), comments, an ICC
# profile and an orientation to keep, QuickTime text atoms and keys, WAV INFO text.
#
# The generated files are committed, so building and running the tests does NOT need these tools.
# Requires exiftool (Debian libimage-exiftool-perl) and perl, which exiftool always brings.
#
# Subjects used: LL-1001 "Emma de Vries", LL-1002 "Noah Bakker", MW-2001 "Sanne Jansen".
# GPS position used: 52.3702 N, 4.8952 E.
set -euo pipefail
cd "$(dirname "$0")"
core=../../../Kalisto.MediaGate.Core.Tests/Data

command -v exiftool >/dev/null 2>&1 || { echo "missing tool: exiftool" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
et() { exiftool -q -overwrite_original "$@"; }

GPS=(-GPSLatitude=52.3702 -GPSLatitudeRef=N -GPSLongitude=4.8952 -GPSLongitudeRef=E)
TEXT=('-EXIF:ImageDescription=LL-1001 Emma de Vries' '-EXIF:Artist=Sanne Jansen' '-EXIF:Copyright=MW-2001'
      '-EXIF:UserComment=LL-1002 Noah Bakker' '-EXIF:XPComment=LL-1001' '-EXIF:XPAuthor=Emma de Vries'
      '-EXIF:XPSubject=LL-1002' '-EXIF:XPTitle=Noah Bakker')

# A minimal ICC profile (a 128-byte v2 header and an empty tag table): enough to show it is kept.
perl -e 'my $h = pack("N", 132) . "none" . pack("N", 0x02100000) . "mntrRGB XYZ " . ("\0" x 12) . "acsp" . ("\0" x 88) . pack("N", 0); print $h' > "$tmp/min.icc"

# JPEG: everything of combined.jpg (XMP persons/keywords/region, IPTC, XPKeywords) plus GPS,
# free text, a COM comment, orientation 6 and an ICC profile.
cp "$core/combined.jpg" jpeg-identifiers.jpg
et "${GPS[@]}" "${TEXT[@]}" '-Comment=LL-1002' '-IFD0:Orientation#=6' "-ICC_Profile<=$tmp/min.icc" jpeg-identifiers.jpg

# PNG: XMP of png-xmp.png plus EXIF (eXIf) with GPS and text, and tEXt text chunks.
cp "$core/png-xmp.png" png-identifiers.png
et "${GPS[@]}" "${TEXT[@]}" '-PNG:Comment=LL-1002' '-PNG:Author=Sanne Jansen' png-identifiers.png

# TIFF: tags 700, 33723 and XPKeywords of tiff-tags.tif plus GPS and free text.
cp "$core/tiff-tags.tif" tiff-identifiers.tif
et "${GPS[@]}" "${TEXT[@]}" tiff-identifiers.tif

# WebP: EXIF and XMP chunks of webp-xmp.webp plus GPS and free text.
cp "$core/webp-xmp.webp" webp-identifiers.webp
et "${GPS[@]}" "${TEXT[@]}" webp-identifiers.webp

# HEIC: Exif and XMP items of heic-xmp.heic plus GPS and free text in the Exif item.
cp "$core/heic-xmp.heic" heic-identifiers.heic
et "${GPS[@]}" "${TEXT[@]}" heic-identifiers.heic

# GIF: the XMP application extension of gif-xmp.gif plus a comment extension.
cp "$core/gif-xmp.gif" gif-identifiers.gif
et '-Comment=LL-1001 Emma de Vries' gif-identifiers.gif

# MOV: moov/udta/XMP_ of mov-udta-xmp.mov plus QuickTime keys (keywords, location), udta text atoms
# and a udta location (©xyz). Track-level udta and meta are built in the tests' code.
cp "$core/mov-udta-xmp.mov" mov-identifiers.mov
et '-Keys:Keywords=LL-1001' '-Keys:GPSCoordinates=52.3702 N, 4.8952 E' '-Keys:Author=Emma de Vries' \
    '-UserData:Artist=Sanne Jansen' '-UserData:Comment=MW-2001' '-UserData:GPSCoordinates=52.3702 N, 4.8952 E' \
    mov-identifiers.mov

# MP4: the top-level uuid XMP of mp4-uuid-xmp.mp4 plus iTunes-style and udta text and location.
cp "$core/mp4-uuid-xmp.mp4" mp4-identifiers.mp4
et '-ItemList:Artist=Emma de Vries' '-ItemList:Comment=LL-1002' '-UserData:GPSCoordinates=52.3702 N, 4.8952 E' \
    mp4-identifiers.mp4

# WAV: the _PMX XMP chunk of wav-xmp.wav plus a LIST/INFO chunk (exiftool cannot write WAV).
perl -e '
    local $/; open my $in, "<:raw", $ARGV[0] or die; my $wav = <$in>;
    my $info = "INFO" . "IART" . pack("V", 14) . "Emma de Vries\0" . "ICMT" . pack("V", 8) . "LL-1001\0";
    $wav .= "LIST" . pack("V", length $info) . $info;
    substr($wav, 4, 4) = pack("V", length($wav) - 8);
    open my $out, ">:raw", $ARGV[1] or die; print $out $wav;' "$core/wav-xmp.wav" wav-identifiers.wav
