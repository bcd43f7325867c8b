using System.Globalization;
using System.Text.RegularExpressions;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Tags.Formats;
using MetadataExtractor;
using Microsoft.Extensions.Options;

namespace Kalisto.MediaGate.Tags;

/// <summary>
/// The tag reader of SPEC §3.1: detects the container from the content, reads only the metadata
/// structures that can hold person and keyword tags, and turns every failure into a problem.
/// </summary>
public sealed class TagReader : ITagReader
{
    private readonly TagReaderOptions _options;
    private readonly Regex _subjectIdSearch;

    public TagReader(IOptions<TagReaderOptions> options, IOptions<ConsentOptions> consent)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(consent);
        _options = options.Value;
        _subjectIdSearch = SubjectIdSearch(consent.Value.SubjectIdPattern);
    }

    public TagReader(IOptions<TagReaderOptions> options)
        : this(options, Options.Create(new ConsentOptions()))
    {
    }

    public TagReader()
        : this(Options.Create(new TagReaderOptions()))
    {
    }

    /// <summary>
    /// The subject-ID pattern (anchored, for whole values) turned into a search for IDs inside free text:
    /// the anchors are dropped and the match may not touch a letter or digit on either side.
    /// </summary>
    internal static Regex SubjectIdSearch(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var inner = pattern;
        if (inner.StartsWith('^'))
        {
            inner = inner[1..];
        }
        else if (inner.StartsWith(@"\A", StringComparison.Ordinal))
        {
            inner = inner[2..];
        }

        if (inner.EndsWith('$') && !inner.EndsWith(@"\$", StringComparison.Ordinal))
        {
            inner = inner[..^1];
        }
        else if (inner.EndsWith(@"\z", StringComparison.OrdinalIgnoreCase))
        {
            inner = inner[..^2];
        }

        return new Regex(
            $@"(?<![\p{{L}}\p{{N}}])(?:{inner})(?![\p{{L}}\p{{N}}])",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled,
            TimeSpan.FromSeconds(1));
    }

    public TagReadResult Read(Stream content, string fileName)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(fileName);
        if (!content.CanSeek || !content.CanRead)
        {
            throw new ArgumentException("The tag reader needs a readable, seekable stream.", nameof(content));
        }

        var stream = new CountingStream(content);
        var tags = new TagCollector(_options, _subjectIdSearch);
        var format = MediaFormat.Unknown;
        var kind = MediaKind.Unsupported;
        try
        {
            stream.Position = 0;
            if (stream.Length == 0)
            {
                tags.Problem(ReasonCode.Unreadable, "the file is empty");
                return tags.Build(kind, format, 0);
            }

            Span<byte> header = stackalloc byte[FormatDetector.HeaderLength];
            var n = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            (format, kind) = FormatDetector.Detect(header[..n], fileName);
            if (kind == MediaKind.Unsupported)
            {
                tags.Problem(ReasonCode.UnsupportedType, "the content is not an image, video or audio format that MediaGate reads");
                return tags.Build(kind, format, stream.BytesRead);
            }

            if (!FormatDetector.IsMediaName(fileName))
            {
                tags.Problem(ReasonCode.Unreadable,
                    string.Create(CultureInfo.InvariantCulture, $"the content is {format} but the name ends in '{Path.GetExtension(fileName)}', which is no media file name"));
            }

            stream.Position = 0;
            ReadFormat(format, stream, tags);
        }
        catch (MetadataTooLargeException e)
        {
            tags.Problem(ReasonCode.TooLarge, e.Message);
        }
        catch (UnreadableMetadataException e)
        {
            tags.Problem(ReasonCode.Unreadable, e.Message);
        }
#pragma warning disable CA1031 // Any failure of a parser on untrusted input is a problem of the file, never a crash.
        catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            tags.Problem(ReasonCode.Unreadable, Describe(format, e));
        }
        catch (OutOfMemoryException)
        {
            tags.Problem(ReasonCode.TooLarge, "metadata too large to hold in memory");
        }

        return tags.Build(kind, format, stream.BytesRead);
    }

    private static void ReadFormat(MediaFormat format, Stream stream, TagCollector tags)
    {
        switch (format)
        {
            case MediaFormat.Jpeg:
                JpegTagReader.Read(stream, tags);
                break;
            case MediaFormat.Png:
                PngTagReader.Read(stream, tags);
                break;
            case MediaFormat.Tiff:
                TiffTagReader.Read(stream, tags);
                break;
            case MediaFormat.WebP:
                RiffTagReader.ReadWebP(stream, tags);
                break;
            case MediaFormat.Wav:
                RiffTagReader.ReadWav(stream, tags);
                break;
            case MediaFormat.Gif:
                GifTagReader.Read(stream, tags);
                break;
            case MediaFormat.Heif:
                HeifTagReader.Read(stream, tags);
                break;
            case MediaFormat.IsoMedia:
                IsoMediaTagReader.Read(stream, tags);
                break;
            case MediaFormat.Unknown:
            default:
                throw new UnreadableMetadataException("unknown format");
        }
    }

    private static string Describe(MediaFormat format, Exception e) => e switch
    {
        EndOfStreamException or IOException => $"the {format} file is truncated or damaged",
        ImageProcessingException => $"the {format} metadata is damaged: {e.Message}",
        _ => $"the {format} metadata could not be read ({e.GetType().Name})",
    };
}
