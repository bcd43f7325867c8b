using System.Text;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Iptc;
using MetadataExtractor.Formats.Tiff;
using MetadataExtractor.IO;
using Directory = MetadataExtractor.Directory;

namespace Kalisto.MediaGate.Tags.Formats;

/// <summary>
/// Reads a TIFF structure (a TIFF file, or the EXIF block of JPEG, PNG, WebP and HEIF) with
/// MetadataExtractor's TIFF reader: XPKeywords, orientation, IPTC (tag 33723) and the XMP packet of
/// tag 700, which goes to <see cref="XmpPacketReader"/> instead of XmpCore.
/// </summary>
internal static class ExifTagReader
{
    private const int XmpTag = 700;
    private const int MakerNoteTag = 0x927C;
    private const int PhotoshopTag = 34377;
    private const int IptcTag = 33723;

    public static void Read(IndexedReader reader, string container, TagCollector tags)
    {
        var directories = new List<Directory>();
        var handler = new Handler(directories, container, tags);
        TiffReader.ProcessTiff(reader, handler);
        Collect(directories, container, tags);
    }

    public static void Read(byte[] tiff, string container, TagCollector tags) =>
        Read(new ByteArrayReader(tiff, 0, isMotorolaByteOrder: true), container, tags);

    private static void Collect(List<Directory> directories, string container, TagCollector tags)
    {
        var ifd0 = directories.OfType<ExifIfd0Directory>().FirstOrDefault();
        if (ifd0 is not null)
        {
            if (ifd0.TryGetInt32(ExifDirectoryBase.TagOrientation, out var orientation) && orientation is >= 1 and <= 8)
            {
                tags.Orientation = orientation;
            }

            if (tags.ImageSize is null && ifd0.TryGetInt32(ExifDirectoryBase.TagImageWidth, out var width)
                && ifd0.TryGetInt32(ExifDirectoryBase.TagImageHeight, out var height) && width > 0 && height > 0)
            {
                tags.ImageSize = (width, height); // a TIFF's first page; a JPEG's frame header replaces it (JpegTagReader)
            }
        }

        // Every IFD: a TIFF's later pages (and a JPEG's IFD1) can carry XPKeywords too, and exiftool reads them.
        foreach (var directory in directories.OfType<ExifDirectoryBase>())
        {
            var where = directory is ExifIfd0Directory ? container : $"{container} {directory.Name}";
            if (directory.GetByteArray(ExifDirectoryBase.TagWinKeywords) is { } xp)
            {
                foreach (var keyword in MetadataText.XpKeywords(xp))
                {
                    tags.Keyword(keyword, $"EXIF XPKeywords ({where})");
                }
            }

            if (tags.ExaminesText)
            {
                Examine(directory, where, tags);
            }
        }

        IptcTagReader.Collect(directories.OfType<IptcDirectory>(), $"{container} tag 33723", tags);

        // A damaged IFD0 may hide XPKeywords: fail closed. Errors in maker notes or print settings
        // (common in camera files) cannot hide person or keyword tags.
        if (ifd0 is { HasError: true })
        {
            throw new UnreadableMetadataException($"EXIF in {container} is damaged: {ifd0.Errors.First()}");
        }
    }

    /// <summary>
    /// The EXIF tags that hold free text a person could type an ID into: document and page names,
    /// description, artist, copyright, user comment, owner name, the Windows title, comment, author and
    /// subject. (Looked up one by one: enumerating every tag of a camera's IFDs costs more than reading them.)
    /// </summary>
    private static readonly int[] TextTags = [269, 270, 285, 315, 33432, 37510, 0xA430, 0x9C9B, 0x9C9C, 0x9C9D, 0x9C9F];

    /// <summary>The safety net (SPEC §3.1) over the text values of one IFD: descriptions, comments, titles.</summary>
    private static void Examine(ExifDirectoryBase directory, string where, TagCollector tags)
    {
        foreach (var type in TextTags)
        {
            var text = directory.GetObject(type) switch
            {
                StringValue s => s.ToString(Encoding.Latin1),
                string s => s,
                byte[] b when type is >= 0x9C9B and <= 0x9C9F => Encoding.Unicode.GetString(b),
                byte[] b when type == ExifDirectoryBase.TagUserComment => UserComment(b),
                _ => null,
            };
            if (text is not null)
            {
                tags.Examined(text, $"EXIF {directory.GetTagName(type)} ({where})");
            }
        }
    }

    /// <summary>EXIF UserComment: an 8-byte character code, then the text (UTF-16 of either order for UNICODE).</summary>
    private static string UserComment(byte[] bytes)
    {
        if (bytes.AsSpan().StartsWith("UNICODE\0"u8))
        {
            var body = bytes.AsSpan(8);
            return Encoding.Unicode.GetString(body) + " " + Encoding.BigEndianUnicode.GetString(body);
        }

        return Encoding.Latin1.GetString(bytes);
    }

    private sealed class Handler(List<Directory> directories, string container, TagCollector tags) : ExifTiffHandler(directories)
    {
        public override bool CustomProcessTag(int tagOffset, ICollection<int> processedIfdOffsets, IndexedReader reader, int tagId, int byteCount)
        {
            if (tagId == MakerNoteTag)
            {
                // Camera maker notes hold no person or keyword tags; parsing them is most of the work of
                // a camera file's EXIF, and damage in them is common. They are not read (nor stored).
                return true;
            }

            if (tagId == XmpTag)
            {
                tags.Account(byteCount, "XMP in TIFF tag 700");
                XmpPacketReader.Read(reader.GetBytes(tagOffset, byteCount), $"{container} tag 700", tags);
                return true;
            }

            if (tagId == IptcTag)
            {
                // Read here rather than by MetadataExtractor, which hands the block to its IPTC reader
                // with the zero padding of a LONG-typed tag; see IptcTagReader.DatasetsLength.
                tags.Account(byteCount, "IPTC in TIFF tag 33723");
                IptcTagReader.Read(reader.GetBytes(tagOffset, byteCount), $"{container} tag 33723", tags);
                return true;
            }

            if (tagId == PhotoshopTag)
            {
                tags.Account(byteCount, "Photoshop resources in TIFF tag 34377");
                PhotoshopResources.Read(reader.GetBytes(tagOffset, byteCount), $"{container} tag 34377", tags);
                return true;
            }

            return base.CustomProcessTag(tagOffset, processedIfdOffsets, reader, tagId, byteCount);
        }
    }
}
