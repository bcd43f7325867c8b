#!/usr/bin/env bash
# Regenerates the metadata test fixtures in this folder.
#
# The generated files are committed, so building and running the tests does
# NOT need these tools; run this script only when a fixture has to change.
#
# Requires: exiftool and ffmpeg (Debian packages libimage-exiftool-perl and
# ffmpeg), plus heif-enc (Debian package libheif-examples) for heic-xmp.heic.
# Perl is used to add the XMP chunk to the WAV file (exiftool cannot write WAV);
# it is always present because exiftool is a Perl program.
#
# Every fixture is rebuilt from scratch: a tiny ffmpeg test picture / tone
# (64x48 image, 32x24 one-second video, one-second 8 kHz audio), then the tags
# are written with exiftool. See README.md for what each file contains.
#
# Subjects used throughout: LL-1001 "Emma de Vries", LL-1002 "Noah Bakker",
# MW-2001 "Sanne Jansen". Plain keywords: sportdag, groep8.
set -euo pipefail
cd "$(dirname "$0")"

for tool in ffmpeg exiftool heif-enc perl; do
    command -v "$tool" >/dev/null 2>&1 || { echo "missing tool: $tool" >&2; exit 1; }
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# ffmpeg: quiet, overwrite, and no encoder/version strings or timestamps.
ff() { ffmpeg -hide_banner -loglevel error -nostdin -y "$@"; }
BITEXACT=(-fflags +bitexact -flags +bitexact -map_metadata -1)
# exiftool: edit in place without leaving *_original backups.
et() { exiftool -q -overwrite_original "$@"; }

FIXTURES=(
    xmp-personinimage.jpg
    xmp-personinimagewdetails.jpg
    xmp-mwg-regions.jpg
    xmp-mwg-regions-orientation6.jpg
    xmp-mp-regions.jpg
    xmp-dc-subject.jpg
    xmp-lr-hierarchical.jpg
    xmp-digikam-tagslist.jpg
    xmp-microsoftphoto-lastkeyword.jpg
    iptc-keywords.jpg
    exif-xpkeywords.jpg
    no-people.jpg
    untagged.jpg
    combined.jpg
    png-xmp.png
    png-exif.png
    tiff-tags.tif
    webp-xmp.webp
    gif-xmp.gif
    heic-xmp.heic
    mp4-uuid-xmp.mp4
    mov-udta-xmp.mov
    mov-keys-keywords.mov
    m4a-xmp.m4a
    wav-xmp.wav
)
rm -f "${FIXTURES[@]}"

# ---------------------------------------------------------------- base media
ff -f lavfi -i testsrc=size=64x48:rate=1 -frames:v 1 -pix_fmt yuvj420p -q:v 6 \
    "${BITEXACT[@]}" "$tmp/base.jpg"
ff -f lavfi -i testsrc=size=64x48:rate=1 -frames:v 1 -pix_fmt rgb24 -c:v png -update 1 \
    "${BITEXACT[@]}" "$tmp/base.png"
ff -f lavfi -i testsrc=size=64x48:rate=1 -frames:v 1 -pix_fmt rgb24 -c:v tiff -update 1 \
    "${BITEXACT[@]}" "$tmp/base.tif"
ff -f lavfi -i testsrc=size=64x48:rate=1 -frames:v 1 -c:v libwebp -quality 50 \
    "${BITEXACT[@]}" -f webp "$tmp/base.webp"
ff -f lavfi -i testsrc=size=64x48:rate=1 -frames:v 1 -pix_fmt rgb8 -c:v gif \
    "${BITEXACT[@]}" -f gif "$tmp/base.gif"
heif-enc -q 50 -o "$tmp/base.heic" "$tmp/base.png" >/dev/null
ff -f lavfi -i testsrc=size=32x24:rate=10 -t 1 -pix_fmt yuv420p -c:v mpeg4 -q:v 10 \
    "${BITEXACT[@]}" -f mp4 "$tmp/base.mp4"
ff -f lavfi -i testsrc=size=32x24:rate=10 -t 1 -pix_fmt yuv420p -c:v mpeg4 -q:v 10 \
    "${BITEXACT[@]}" -f mov "$tmp/base.mov"
ff -f lavfi -i sine=frequency=440:sample_rate=8000:duration=1 -ac 1 -c:a aac -b:a 16k \
    "${BITEXACT[@]}" -f ipod "$tmp/base.m4a"
ff -f lavfi -i sine=frequency=440:sample_rate=8000:duration=1 -ac 1 -c:a pcm_u8 \
    "${BITEXACT[@]}" -f wav "$tmp/base.wav"

# Start every fixture from a copy of a base file (no metadata besides JFIF).
from() { cp "$tmp/base.$1" "$2"; }

# ---------------------------------------------------------------- JPEG, XMP
from jpg xmp-personinimage.jpg
et '-XMP-iptcExt:PersonInImage=Emma de Vries' '-XMP-iptcExt:PersonInImage=LL-1002' \
    xmp-personinimage.jpg

# PersonId is a bag, PersonName a lang-alt (written as x-default).
from jpg xmp-personinimagewdetails.jpg
et '-XMP-iptcExt:PersonInImageWDetails=[{PersonId=[LL-1001],PersonName=Emma de Vries},{PersonName=Noah Bakker}]' \
    xmp-personinimagewdetails.jpg

# MWG regions: named face, unnamed face, named non-face (Focus) region.
from jpg xmp-mwg-regions.jpg
et '-XMP-mwg-rs:RegionInfo={AppliedToDimensions={W=64,H=48,Unit=pixel},RegionList=[{Area={X=0.25,Y=0.5,W=0.2,H=0.3,Unit=normalized},Name=Emma de Vries,Type=Face},{Area={X=0.75,Y=0.5,W=0.1,H=0.2,Unit=normalized},Type=Face},{Area={X=0.5,Y=0.5,W=0.1,H=0.1,Unit=normalized},Name=Bal,Type=Focus}]}' \
    xmp-mwg-regions.jpg

# Same first region, but the image is stored rotated (EXIF Orientation 6 =
# "Rotate 90 CW"); MWG areas are relative to the stored (unrotated) pixels.
from jpg xmp-mwg-regions-orientation6.jpg
et '-XMP-mwg-rs:RegionInfo={AppliedToDimensions={W=64,H=48,Unit=pixel},RegionList=[{Area={X=0.25,Y=0.5,W=0.2,H=0.3,Unit=normalized},Name=Emma de Vries,Type=Face}]}' \
    '-IFD0:Orientation#=6' \
    xmp-mwg-regions-orientation6.jpg

# Microsoft Photo regions: Rectangle is "left, top, width, height" (normalized).
# In exiftool's structure syntax a literal comma is escaped with '|'.
from jpg xmp-mp-regions.jpg
et '-XMP-MP:RegionInfoMP={Regions=[{PersonDisplayName=Sanne Jansen,Rectangle=0.1|, 0.2|, 0.3|, 0.4},{Rectangle=0.5|, 0.5|, 0.1|, 0.1}]}' \
    xmp-mp-regions.jpg

from jpg xmp-dc-subject.jpg
et -XMP-dc:Subject=LL-1001 -XMP-dc:Subject=sportdag xmp-dc-subject.jpg

from jpg xmp-lr-hierarchical.jpg
et '-XMP-lr:HierarchicalSubject=Leerlingen|Groep 8|LL-1002' xmp-lr-hierarchical.jpg

from jpg xmp-digikam-tagslist.jpg
et '-XMP-digiKam:TagsList=Mensen/Personeel/MW-2001' xmp-digikam-tagslist.jpg

from jpg xmp-microsoftphoto-lastkeyword.jpg
et '-XMP-microsoft:LastKeywordXMP=Mensen/LL-1001' xmp-microsoftphoto-lastkeyword.jpg

from jpg no-people.jpg
et -XMP-dc:Subject=no-people no-people.jpg

# ---------------------------------------------------------------- JPEG, non-XMP
# IPTC IIM only (APP13 Photoshop IRB); make sure no XMP packet exists.
from jpg iptc-keywords.jpg
et -IPTC:Keywords=LL-1002 -IPTC:Keywords=groep8 iptc-keywords.jpg
et -XMP:all= iptc-keywords.jpg

# EXIF IFD0 XPKeywords (UCS-2, ';'-separated) only; no XMP, no IPTC.
from jpg exif-xpkeywords.jpg
et '-EXIF:XPKeywords=LL-1001;sportdag' exif-xpkeywords.jpg
et -XMP:all= -IPTC:all= exif-xpkeywords.jpg

# No metadata at all (also drops the JFIF segment).
from jpg untagged.jpg
et -all= untagged.jpg

# Many locations in one file: XMP PersonInImage + dc:subject + one MWG face
# region (named "Sanne Jansen", area x=0.5 y=0.5 w=0.2 h=0.3), IPTC Keywords,
# EXIF XPKeywords.
from jpg combined.jpg
et '-XMP-iptcExt:PersonInImage=Emma de Vries' \
    -XMP-dc:Subject=LL-1002 \
    '-XMP-mwg-rs:RegionInfo={AppliedToDimensions={W=64,H=48,Unit=pixel},RegionList=[{Area={X=0.5,Y=0.5,W=0.2,H=0.3,Unit=normalized},Name=Sanne Jansen,Type=Face}]}' \
    -IPTC:Keywords=MW-2001 \
    -EXIF:XPKeywords=groep8 \
    combined.jpg

# ---------------------------------------------------------------- PNG
# XMP goes into an iTXt chunk with keyword "XML:com.adobe.xmp".
from png png-xmp.png
et -XMP-dc:Subject=LL-1001 '-XMP-iptcExt:PersonInImage=Noah Bakker' png-xmp.png

# EXIF goes into a standard eXIf chunk (exiftool's default for PNG).
from png png-exif.png
et -EXIF:XPKeywords=LL-1002 png-exif.png

# ---------------------------------------------------------------- TIFF
# XMP in tag 700, IPTC in tag 33723, XPKeywords in IFD0 (tag 0x9c9e).
from tif tiff-tags.tif
et -XMP-dc:Subject=LL-1001 -IPTC:Keywords=LL-1002 -EXIF:XPKeywords=MW-2001 tiff-tags.tif

# ---------------------------------------------------------------- WebP
# exiftool converts the simple VP8 file to extended format (VP8X) and adds
# "XMP " and "EXIF" RIFF chunks.
from webp webp-xmp.webp
et -XMP-dc:Subject=LL-1002 -EXIF:XPKeywords=LL-1001 webp-xmp.webp

# ---------------------------------------------------------------- GIF
# XMP in an application extension block "XMP DataXMP".
from gif gif-xmp.gif
et -XMP-dc:Subject=MW-2001 gif-xmp.gif

# ---------------------------------------------------------------- HEIC
# heif-enc (x265) stores the 64x48 picture as a "grid" primary item over one
# 64x64 hvc1 tile. exiftool adds an "Exif" item and a "mime" item
# (content type application/rdf+xml) to meta/iinf, with their data in mdat.
from heic heic-xmp.heic
et -XMP-dc:Subject=LL-1001 -XMP-iptcExt:PersonInImage=MW-2001 -EXIF:XPKeywords=LL-1002 \
    heic-xmp.heic

# ---------------------------------------------------------------- QuickTime
# MP4: exiftool puts XMP in a top-level "uuid" box
# (UUID be7acfcb-97a9-42e8-9c71-999491e3afac).
from mp4 mp4-uuid-xmp.mp4
et -XMP-dc:Subject=LL-1001 mp4-uuid-xmp.mp4

# MOV: exiftool's default for QuickTime .mov is moov/udta/XMP_ (no uuid box),
# so no extra option is needed.
from mov mov-udta-xmp.mov
et -XMP-dc:Subject=LL-1002 mov-udta-xmp.mov

# MOV: QuickTime metadata keys (moov/meta/keys + ilst),
# key "com.apple.quicktime.keywords".
from mov mov-keys-keywords.mov
et -Keys:Keywords=LL-1001 mov-keys-keywords.mov

# M4A (AAC audio): like MP4, exiftool puts the XMP in a top-level "uuid"
# box (same XMP UUID), between moov and mdat.
from m4a m4a-xmp.m4a
et -XMP-dc:Subject=MW-2001 m4a-xmp.m4a

# ---------------------------------------------------------------- WAV
# exiftool cannot write RIFF/WAV, so build the XMP packet with exiftool and
# append it as a "_PMX" chunk (the chunk id Adobe uses for XMP in RIFF),
# then fix the RIFF size.
exiftool -q -XMP-dc:Subject=LL-1002 -o "$tmp/wav.xmp"
perl -e '
    use strict; use warnings;
    my ($wav, $xmp, $out) = @ARGV;
    local $/;
    open(my $fh, "<:raw", $wav) or die "$wav: $!"; my $data = <$fh>; close $fh;
    open($fh, "<:raw", $xmp) or die "$xmp: $!"; my $packet = <$fh>; close $fh;
    die "$wav is not a RIFF WAVE file\n" unless substr($data, 0, 4) eq "RIFF" && substr($data, 8, 4) eq "WAVE";
    $data .= "_PMX" . pack("V", length $packet) . $packet;
    $data .= "\0" if length($packet) % 2;          # chunks are word-aligned
    substr($data, 4, 4) = pack("V", length($data) - 8);
    open($fh, ">:raw", $out) or die "$out: $!"; print $fh $data; close $fh;
' "$tmp/base.wav" "$tmp/wav.xmp" wav-xmp.wav

ls -l "${FIXTURES[@]}"
