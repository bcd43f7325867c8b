using System.Buffers.Binary;
using System.Text;

namespace Kalisto.MediaGate.Imaging.Stripping;

/// <summary>
/// JPEG: the marker segments are rewritten and the entropy-coded data copied unchanged (no re-encoding).
/// Kept: the frame structure (SOFn, DHT, DQT, DAC, DRI, DNL, SOS, …), APP0 JFIF, APP2 ICC_PROFILE and
/// APP14 Adobe (the colour transform). The first EXIF segment (with any header exiftool accepts, see
/// <see cref="ExifHeaderLength"/>) is replaced by a minimal new block in the standard form holding only the
/// orientation, or dropped when its TIFF block cannot be read. Everything else is dropped whatever its
/// header says: every other APP1 (XMP under the standard, a non-standard or no header, several packets,
/// extended XMP), APP13 (Photoshop 3.0 and the older Adobe_Photoshop2.5 IPTC), COM, APP2 MPF/FlashPix, the
/// other APPn (APP3–APP13, APP15 are free-form vendor blocks: maker data, Ducky text, HDR gain maps, Samsung
/// and Qualcomm blocks, any of which can carry text or GPS) and whatever follows EOI (AFCP IPTC trailers,
/// and the secondary images of multi-picture files, which carry their own full EXIF).
/// </summary>
internal static class JpegStripper
{
    private const byte Soi = 0xD8;
    private const byte Eoi = 0xD9;
    private const byte Sos = 0xDA;

    private enum Action
    {
        Keep,
        Drop,
        Exif,
    }

    public static OutputPlan Plan(SourceReader reader)
    {
        if (reader.Byte("the JPEG header") != 0xFF || reader.Byte("the JPEG header") != Soi)
        {
            throw StrippingException.Unreadable("the content is not a JPEG file");
        }

        var plan = new OutputPlan();
        plan.Copy(0, 2);
        var exifSeen = false;
        while (true)
        {
            var (marker, start) = NextMarker(reader);
            if (marker == Sos)
            {
                var end = SegmentEnd(reader, marker);
                plan.Copy(start, end - start);
                reader.Seek(end);
                break;
            }

            if (marker is Eoi or Soi)
            {
                throw StrippingException.Unreadable("the JPEG has no image data");
            }

            if (IsStandalone(marker))
            {
                plan.Copy(start, 2);
                continue;
            }

            var segmentEnd = SegmentEnd(reader, marker);
            switch (Classify(reader, marker, segmentEnd))
            {
                case Action.Keep:
                    plan.Copy(start, segmentEnd - start);
                    break;
                case Action.Exif when !exifSeen:
                    exifSeen = true;
                    var exif = reader.ReadBytes(segmentEnd - reader.Position, "the EXIF segment");
                    var tiff = exif.AsSpan(Math.Min(ExifHeaderLength(exif), exif.Length));
                    if (Tiff.Orientation(tiff) is { } orientation)
                    {
                        plan.Write(MinimalExif(orientation));
                    }

                    break;
                default:
                    break;
            }

            reader.Seek(segmentEnd);
        }

        CopyScans(reader, plan);
        return plan;
    }

    /// <summary>
    /// From the first SOS to EOI: entropy-coded data is copied as whole ranges; a marker is recognised as
    /// 0xFF followed by anything but 0x00 (a stuffed byte) or RST0–7. Tables between progressive scans
    /// are kept; an APPn or COM there is dropped like one before the first scan.
    /// </summary>
    private static void CopyScans(SourceReader reader, OutputPlan plan)
    {
        var dataStart = reader.Position;
        while (true)
        {
            if (!reader.SkipPast(0xFF))
            {
                throw StrippingException.Unreadable("the JPEG ends inside its image data");
            }

            int next;
            do
            {
                next = reader.ReadByte();
            }
            while (next == 0xFF);

            if (next < 0)
            {
                throw StrippingException.Unreadable("the JPEG ends inside its image data");
            }

            if (next == 0x00 || next is >= 0xD0 and <= 0xD7)
            {
                continue;
            }

            var marker = (byte)next;
            var markerStart = reader.Position - 2;
            plan.Copy(dataStart, markerStart - dataStart);
            if (marker == Eoi)
            {
                plan.Copy(markerStart, 2);
                return; // anything after EOI is dropped
            }

            if (marker == Soi || IsStandalone(marker))
            {
                throw StrippingException.Unreadable("the JPEG image data is damaged");
            }

            var end = SegmentEnd(reader, marker);
            if (marker == Sos || Classify(reader, marker, end) == Action.Keep)
            {
                plan.Copy(markerStart, end - markerStart);
            }

            reader.Seek(end);
            dataStart = end;
        }
    }

    private static (byte Marker, long Start) NextMarker(SourceReader reader)
    {
        if (reader.Byte("a JPEG segment") != 0xFF)
        {
            throw StrippingException.Unreadable("the JPEG has data between its segments");
        }

        byte marker;
        do
        {
            marker = reader.Byte("a JPEG segment");
        }
        while (marker == 0xFF); // fill bytes

        return (marker, reader.Position - 2);
    }

    private static bool IsStandalone(byte marker) => marker is 0x01 or (>= 0xD0 and <= 0xD7);

    /// <summary>Reads the segment length at the reader's position (just after the marker); returns where it ends.</summary>
    private static long SegmentEnd(SourceReader reader, byte marker)
    {
        var length = reader.U16BigEndian("a JPEG segment header");
        var end = reader.Position - 2 + length;
        if (length < 2 || end > reader.Length)
        {
            throw StrippingException.Unreadable($"JPEG segment 0x{marker:X2} runs past the end of the file");
        }

        return end;
    }

    /// <summary>Decides on a segment from its marker and first bytes; leaves the reader at the payload start.</summary>
    private static Action Classify(SourceReader reader, byte marker, long end)
    {
        var payloadStart = reader.Position;
        Span<byte> prefix = stackalloc byte[12];
        prefix = prefix[..(int)Math.Min(prefix.Length, end - payloadStart)];
        reader.Read(prefix, "a JPEG segment");
        reader.Seek(payloadStart);
        return marker switch
        {
            0xE0 => prefix.StartsWith("JFIF\0"u8) ? Action.Keep : Action.Drop, // JFXX thumbnails and others go
            0xE1 => ExifHeaderLength(prefix) > 0 ? Action.Exif : Action.Drop,
            0xE2 => prefix.StartsWith("ICC_PROFILE\0"u8) ? Action.Keep : Action.Drop,
            0xEE => prefix.StartsWith("Adobe"u8) ? Action.Keep : Action.Drop,
            >= 0xE3 and <= 0xEF or 0xFE => Action.Drop, // other APPn and COM
            >= 0xC0 and <= 0xCF and not 0xC8 => Action.Keep, // SOFn, DHT, DAC
            0xDB or 0xDC or 0xDD or 0xDE or 0xDF => Action.Keep, // DQT, DNL, DRI, DHP, EXP
            0xF7 or 0xF8 => Action.Keep, // JPEG-LS frame header and parameters
            _ => Action.Drop, // reserved and extension markers carry nothing an image needs
        };
    }

    /// <summary>
    /// The length of an APP1 EXIF header as exiftool (the reference reader of SPEC §3.1) accepts it: up to four
    /// stray bytes, <c>Exif\0</c> in any case, then one byte that should be <c>\0</c> but is not always
    /// (<c>Exif\0\xff</c>); 0 when the segment is not EXIF. Of two possible headers the one after the longer
    /// stray prefix counts, as exiftool's greedy match takes it. The TIFF block starts right after.
    /// </summary>
    internal static int ExifHeaderLength(ReadOnlySpan<byte> payload)
    {
        for (var stray = 4; stray >= 0; stray--)
        {
            if (payload.Length >= stray + 5 && Ascii.EqualsIgnoreCase(payload.Slice(stray, 5), "Exif\0"u8))
            {
                return stray + 6;
            }
        }

        return 0;
    }

    /// <summary>An APP1 EXIF segment in the standard form holding only <paramref name="orientation"/>.</summary>
    internal static byte[] MinimalExif(int orientation)
    {
        byte[] segment = [0xFF, 0xE1, 0, 0, .. "Exif\0\0"u8, .. Tiff.OrientationOnly(orientation)];
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(segment.Length - 2));
        return segment;
    }
}
