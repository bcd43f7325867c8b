using System.IO.Compression;
using Kalisto.MediaGate.Storage.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Kalisto.MediaGate.Web.Api;

/// <summary>
/// A zip of published copies (<see cref="SchoolApi.DownloadZipAsync"/>), streamed to the response as it is made
/// (<see cref="ZipArchive"/>, stored, not compressed again: photos and videos are compressed already). Each copy is read
/// whole into a temporary file first and put in only when <see cref="PublishedCopies.DownloadAsync"/> says it still
/// may be handed out; when one may not (a withdrawal while the zip was made), the response is a 409 problem if nothing
/// was sent yet, and otherwise is broken off before the zip is complete, so that no zip without it passes for the
/// selection. Entries are named after the item's path without the school, unique (case ignored, as the systems it is
/// unpacked on do).
/// </summary>
public sealed class ItemsZipResult : IResult
{
    private readonly PublishedCopies _published;
    private readonly Action<int, int> _done;

    internal ItemsZipResult(IReadOnlyList<PublishedCopy> copies, string channel, string fileName, PublishedCopies published, Action<int, int> done)
    {
        Copies = copies;
        Channel = channel;
        FileName = fileName;
        _published = published;
        _done = done;
    }

    /// <summary>The copies that go in, in this order.</summary>
    public IReadOnlyList<PublishedCopy> Copies { get; }

    /// <summary>The channel they are handed out for.</summary>
    public string Channel { get; }

    /// <summary>The zip's file name (<c>{school}-{channel}-{yyyy-MM-dd}.zip</c>).</summary>
    public string FileName { get; }

    /// <summary>The name in the zip of an item at <paramref name="location"/>: its path without the school, made unique among <paramref name="taken"/>.</summary>
    internal static string EntryName(string location, ISet<string> taken)
    {
        var segments = location.Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(s => s is not ("." or "..")).ToList();
        var name = segments.Count == 0 ? "item" : string.Join('/', segments);
        var (stem, extension) = (name[..^Path.GetExtension(name).Length], Path.GetExtension(name));
        var unique = name;
        for (var n = 2; !taken.Add(unique); n++)
        {
            unique = $"{stem} ({n}){extension}";
        }

        return unique;
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        ZipArchive? archive = null;
        await using var body = new SyncWritesHeldBack(response.Body);
        foreach (var copy in Copies)
        {
            await using var file = ItemMoves.TemporaryFile();
            if (await _published.DownloadAsync(copy, Channel, file, cancellationToken) is null)
            {
                _done(taken.Count, 1);
                if (archive is null && !response.HasStarted)
                {
                    await TypedResults.Problem(
                        $"Item {copy.Item.ItemId} changed while it was read (its consent, say); no zip is handed out. Look at the selection again.",
                        statusCode: StatusCodes.Status409Conflict,
                        title: "An item has changed").ExecuteAsync(httpContext);
                }
                else
                {
                    // Part of the zip is sent: break it off (no central directory), never finish it without the item.
                    httpContext.Abort();
                }

                return;
            }

            if (archive is null)
            {
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = "application/zip";
                var disposition = new ContentDispositionHeaderValue("attachment");
                disposition.SetHttpFileName(FileName);
                response.Headers.ContentDisposition = disposition.ToString();
                archive = await ZipArchive.CreateAsync(body, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, cancellationToken);
            }

            var entry = archive.CreateEntry(EntryName(copy.Name, taken), CompressionLevel.NoCompression);
            if (copy.Item.DecidedAt.Year is >= 1980 and < 2108)
            {
                entry.LastWriteTime = copy.Item.DecidedAt; // a zip's dates run from 1980 to 2107
            }

            file.Position = 0;
            await using (var content = await entry.OpenAsync(cancellationToken))
            {
                await file.CopyToAsync(content, cancellationToken);
            }
        }

        if (archive is not null)
        {
            await archive.DisposeAsync(); // writes the central directory: the zip is complete
            await body.FlushAsync(cancellationToken);
        }

        _done(taken.Count, 0);
    }

    /// <summary>
    /// The response as the zip writes to it, in the order written: asynchronous writes go through; the few synchronous
    /// ones are held and written asynchronously before the next write or at the flush. Hand-written because even through
    /// its asynchronous API, .NET 10's <see cref="ZipArchiveEntry"/> writes its data descriptor (16 or 24 bytes) with a
    /// synchronous write when the stream cannot seek, which a response is not, and ASP.NET Core refuses synchronous I/O.
    /// </summary>
    private sealed class SyncWritesHeldBack(Stream inner) : Stream
    {
        private readonly MemoryStream _held = new();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => _held.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => _held.Write(buffer);

        public override void Flush()
        {
            // Held until the next asynchronous write or flush.
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await WriteHeldAsync(cancellationToken);
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            await WriteHeldAsync(cancellationToken);
            await inner.FlushAsync(cancellationToken);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _held.Dispose();
            }

            base.Dispose(disposing);
        }

        private async Task WriteHeldAsync(CancellationToken cancellationToken)
        {
            if (_held.Length > 0)
            {
                await inner.WriteAsync(_held.GetBuffer().AsMemory(0, (int)_held.Length), cancellationToken);
                _held.SetLength(0);
            }
        }
    }
}
