using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Kalisto.MediaGate.Storage.Pipeline;

/// <summary>
/// A seekable, read-only view of one version of a blob, read in ranged downloads of a fixed size
/// (the tag reader needs kilobytes of a file, and seeks past media data). The first range also gives
/// the blob's ETag, length and content type, so opening costs one request instead of a properties call
/// and a download; every later range is conditional on that ETag, so a blob replaced while it is read
/// fails the read instead of mixing two versions.
/// </summary>
internal sealed class RangedBlobStream : Stream
{
    private readonly BlobClient _blob;
    private readonly int _rangeBytes;
    private byte[] _buffer;
    private long _bufferStart;
    private int _bufferLength;
    private long _position;

    private RangedBlobStream(BlobClient blob, int rangeBytes, ETag etag, long length, string? contentType, IDictionary<string, string> metadata, byte[] first, int firstLength)
    {
        Metadata = metadata;
        _blob = blob;
        _rangeBytes = rangeBytes;
        ETag = etag;
        Length = length;
        ContentType = contentType;
        _buffer = first;
        _bufferLength = firstLength;
    }

    public ETag ETag { get; }

    public string? ContentType { get; }

    /// <summary>The blob's metadata, as the first range returned it.</summary>
    public IDictionary<string, string> Metadata { get; }

    public override long Length { get; }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    /// <summary>Opens the current version of the blob; null when it does not exist.</summary>
    public static async Task<RangedBlobStream?> OpenAsync(BlobClient blob, int rangeBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        try
        {
            var response = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Range = new HttpRange(0, rangeBytes) }, cancellationToken);
            using var content = response.Value;
            var buffer = new byte[rangeBytes];
            var read = await content.Content.ReadAtLeastAsync(buffer, rangeBytes, throwOnEndOfStream: false, cancellationToken);
            var details = content.Details;
            var length = details.ContentRange is { } range && range.LastIndexOf('/') is var slash and > 0
                && long.TryParse(range.AsSpan(slash + 1), out var total) ? total : read;
            return new RangedBlobStream(blob, rangeBytes, details.ETag, length, details.ContentType, details.Metadata, buffer, read);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException e) when (e.Status == 416)
        {
            // An empty blob has no range 0..n.
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            return new RangedBlobStream(blob, rangeBytes, properties.ETag, properties.ContentLength, properties.ContentType, properties.Metadata, [], 0);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (!Fill())
        {
            using var content = _blob.DownloadStreaming(NextRange(out var count)).Value;
            Store(count, content.Content.ReadAtLeast(_buffer.AsSpan(0, count), count, throwOnEndOfStream: true));
        }

        return Copy(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!Fill())
        {
            await FetchAsync(cancellationToken);
        }

        return Copy(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        SeekOrigin.End => Length + offset,
        _ => throw new ArgumentOutOfRangeException(nameof(origin)),
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Whether the position is in the buffer (or at or past the end).</summary>
    private bool Fill() => _position >= Length || (_position >= _bufferStart && _position < _bufferStart + _bufferLength);

    private async ValueTask FetchAsync(CancellationToken cancellationToken)
    {
        using var content = (await _blob.DownloadStreamingAsync(NextRange(out var count), cancellationToken)).Value;
        Store(count, await content.Content.ReadAtLeastAsync(_buffer.AsMemory(0, count), count, throwOnEndOfStream: true, cancellationToken));
    }

    /// <summary>The next range from the position, conditional on the version first read.</summary>
    private BlobDownloadOptions NextRange(out int count)
    {
        count = (int)Math.Min(_rangeBytes, Length - _position);
        if (_buffer.Length < count)
        {
            _buffer = new byte[_rangeBytes];
        }

        return new BlobDownloadOptions { Range = new HttpRange(_position, count), Conditions = new BlobRequestConditions { IfMatch = ETag } };
    }

    private void Store(int count, int read)
    {
        _bufferLength = Math.Min(count, read);
        _bufferStart = _position;
    }

    private int Copy(Span<byte> destination)
    {
        if (_position >= Length)
        {
            return 0;
        }

        var available = (int)(_bufferStart + _bufferLength - _position);
        var count = Math.Min(available, destination.Length);
        _buffer.AsSpan((int)(_position - _bufferStart), count).CopyTo(destination);
        _position += count;
        return count;
    }
}
