using Kalisto.MediaGate.Imaging.Stripping;

namespace Kalisto.MediaGate.Imaging.Publishing;

/// <summary>
/// JPEG: every marker segment (APPn, COM, tables, frame and scan headers) is searched, and so is anything
/// between segments and everything after EOI; only the entropy-coded data after each SOS (up to the next
/// marker that is not RST0–7) is left out. An EXIF block in APP1 is walked for a GPS pointer; an APP2 ICC
/// profile is searched as binary data. A JPEG that follows EOI directly (a multi-picture file's second image)
/// is walked the same way.
/// </summary>
internal static class JpegCheck
{
    private const byte Soi = 0xD8;
    private const byte Eoi = 0xD9;
    private const byte Sos = 0xDA;
    private const int MaxSegments = 100_000;
    private const int MaxImages = 16;
    private const string ScanHeaders = "the JPEG's standalone markers";

    public static void Check(SourceReader reader, RangeSearch search, CancellationToken cancellationToken)
    {
        var segments = 0;
        var start = 0L;
        for (var image = 0; ; image++)
        {
            reader.Seek(start);
            if (reader.Byte("the JPEG header") != 0xFF || reader.Byte("the JPEG header") != Soi)
            {
                throw StrippingException.Unreadable("the content is not a JPEG file");
            }

            search.Add("the JPEG header", start, 2);
            var end = Image(reader, search, ref segments, cancellationToken);
            if (end == reader.Length)
            {
                return;
            }

            if (image + 1 < MaxImages && IsJpegAt(reader, end))
            {
                start = end;
                continue;
            }

            search.Add($"the bytes after the JPEG's end (EOI) at byte {end}", end, reader.Length - end);
            return;
        }
    }

    /// <summary>Walks one image from after its SOI to after its EOI; returns where it ends.</summary>
    private static long Image(SourceReader reader, RangeSearch search, ref int segments, CancellationToken cancellationToken)
    {
        var inScan = false;
        Span<byte> buffer = stackalloc byte[12];
        while (true)
        {
            if (++segments > MaxSegments)
            {
                throw StrippingException.Unreadable("the JPEG has too many segments");
            }

            var dataStart = reader.Position;
            var (marker, markerStart) = NextMarker(reader, inScan);
            var afterMarker = reader.Position;
            if (!inScan)
            {
                // Bytes between segments are no image data: a decoder skips them, a reader may not.
                search.Add($"the bytes between JPEG segments at byte {dataStart}", dataStart, markerStart - dataStart);
                reader.Seek(afterMarker); // the search read them
            }

            if (marker == Eoi)
            {
                search.Add(ScanHeaders, markerStart, 2);
                return markerStart + 2;
            }

            if (marker is Soi or 0x01 or (>= 0xD0 and <= 0xD7))
            {
                search.Add(ScanHeaders, markerStart, 2);
                inScan = false;
                continue;
            }

            var length = reader.U16BigEndian("a JPEG segment header");
            var payloadStart = reader.Position;
            var end = payloadStart - 2 + length;
            if (length < 2 || end > reader.Length)
            {
                throw StrippingException.Unreadable($"JPEG segment 0x{marker:X2} runs past the end of the file");
            }

            var place = Name(marker, markerStart);
            var prefix = buffer[..(int)Math.Min(buffer.Length, end - payloadStart)];
            reader.Read(prefix, place);
            search.Add(place, markerStart, end - markerStart, binary: marker == 0xE2 && prefix.StartsWith("ICC_PROFILE\0"u8));
            if (marker == 0xE1 && prefix.StartsWith("Exif\0"u8) && end - payloadStart > 6)
            {
                reader.Seek(payloadStart + 6); // the search read the segment
                TiffCheck.CheckExif(reader.ReadBytes(end - reader.Position, place), place, cancellationToken);
            }

            reader.Seek(end);
            inScan = marker == Sos;
        }
    }

    /// <summary>
    /// The next marker and where it starts (its fill bytes included). In entropy-coded data a marker is 0xFF
    /// followed by anything but 0x00 (a stuffed byte) or RST0–7; between segments, the next 0xFF.
    /// </summary>
    private static (byte Marker, long Start) NextMarker(SourceReader reader, bool inScan)
    {
        while (true)
        {
            if (!reader.SkipPast(0xFF))
            {
                throw StrippingException.Unreadable(inScan ? "the JPEG ends inside its image data" : "the JPEG ends without EOI");
            }

            var start = reader.Position - 1;
            int next;
            do
            {
                next = reader.ReadByte();
            }
            while (next == 0xFF);

            if (next < 0)
            {
                throw StrippingException.Unreadable("the JPEG ends inside a marker");
            }

            if (next == 0x00 || (inScan && next is >= 0xD0 and <= 0xD7))
            {
                continue; // a stuffed byte or a restart marker: still image data
            }

            return ((byte)next, start);
        }
    }

    private static bool IsJpegAt(SourceReader reader, long position)
    {
        if (reader.Length - position < 3)
        {
            return false;
        }

        reader.Seek(position);
        return reader.Byte("a JPEG header") == 0xFF && reader.Byte("a JPEG header") == Soi && reader.Byte("a JPEG header") == 0xFF;
    }

    private static string Name(byte marker, long start) => marker switch
    {
        >= 0xE0 and <= 0xEF => $"the APP{marker - 0xE0} segment at byte {start}",
        0xFE => $"the COM segment at byte {start}",
        Sos => $"the SOS segment at byte {start}",
        _ => $"the JPEG segment 0x{marker:X2} at byte {start}",
    };
}
