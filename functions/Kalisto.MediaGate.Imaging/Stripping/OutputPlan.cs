using System.Buffers;

namespace Kalisto.MediaGate.Imaging.Stripping;

/// <summary>
/// What the stripped copy consists of, in order: ranges of the source copied unchanged, new bytes, and
/// runs of zeros. Planning reads only the structure; writing streams the large ranges (image data,
/// <c>mdat</c>) through one pooled buffer, so nothing is written unless the whole plan was made.
/// </summary>
internal sealed class OutputPlan
{
    private const int CopyBufferSize = 81_920;

    private readonly List<Piece> _pieces = [];

    /// <summary>Bytes the copy will have.</summary>
    public long Length { get; private set; }

    public void Copy(long offset, long length)
    {
        if (length <= 0)
        {
            return;
        }

        if (_pieces.Count > 0 && _pieces[^1] is { Bytes: null, Zeros: false } last && last.Offset + last.Length == offset)
        {
            _pieces[^1] = last with { Length = last.Length + length };
        }
        else
        {
            _pieces.Add(new Piece(offset, length, null, false));
        }

        Length += length;
    }

    public void Write(byte[] bytes)
    {
        if (bytes.Length > 0)
        {
            _pieces.Add(new Piece(0, bytes.Length, bytes, false));
            Length += bytes.Length;
        }
    }

    public void Zeros(long length)
    {
        if (length > 0)
        {
            _pieces.Add(new Piece(0, length, null, true));
            Length += length;
        }
    }

    /// <summary>The source of <paramref name="length"/> bytes with <paramref name="patches"/> applied in place.</summary>
    public static OutputPlan Patched(long length, PatchSet patches)
    {
        var plan = new OutputPlan();
        var position = 0L;
        foreach (var patch in patches.Ordered())
        {
            if (patch.Offset + patch.Length > length)
            {
                throw StrippingException.Unreadable("a metadata structure runs past the end of the file");
            }

            plan.Copy(position, patch.Offset - position);
            if (patch.Bytes is null)
            {
                plan.Zeros(patch.Length);
            }
            else
            {
                plan.Write(patch.Bytes);
            }

            position = patch.Offset + patch.Length;
        }

        plan.Copy(position, length - position);
        return plan;
    }

    public async Task WriteAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            foreach (var piece in _pieces)
            {
                if (piece.Bytes is not null)
                {
                    await destination.WriteAsync(piece.Bytes, cancellationToken);
                }
                else if (piece.Zeros)
                {
                    Array.Clear(buffer);
                    for (var remaining = piece.Length; remaining > 0;)
                    {
                        var n = (int)Math.Min(remaining, buffer.Length);
                        await destination.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
                        remaining -= n;
                    }
                }
                else
                {
                    source.Position = piece.Offset;
                    for (var remaining = piece.Length; remaining > 0;)
                    {
                        var n = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(remaining, buffer.Length)), cancellationToken);
                        if (n == 0)
                        {
                            throw new EndOfStreamException("the source became shorter while it was copied");
                        }

                        await destination.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
                        remaining -= n;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private readonly record struct Piece(long Offset, long Length, byte[]? Bytes, bool Zeros);
}

/// <summary>
/// In-place changes to a file whose layout must not move (TIFF offsets, ISO <c>stco</c>/<c>co64</c> and
/// <c>iloc</c> offsets): new bytes of the same length, and ranges to zero.
/// </summary>
internal sealed class PatchSet
{
    private readonly List<Patch> _patches = [];

    public int Count => _patches.Count;

    public void Zero(long offset, long length)
    {
        if (length > 0)
        {
            _patches.Add(new Patch(offset, length, null));
        }
    }

    public void Write(long offset, byte[] bytes)
    {
        if (bytes.Length > 0)
        {
            _patches.Add(new Patch(offset, bytes.Length, bytes));
        }
    }

    /// <summary>
    /// The patches by offset, overlapping zero runs merged. New bytes that overlap anything else mean
    /// two structures claim the same bytes (only crafted files do that): refused rather than guessed.
    /// </summary>
    public IEnumerable<Patch> Ordered()
    {
        var merged = new List<Patch>();
        foreach (var patch in _patches.OrderBy(p => p.Offset).ThenBy(p => p.Length))
        {
            if (patch.Offset < 0)
            {
                throw StrippingException.Unreadable("a metadata structure points outside the file");
            }

            if (merged.Count > 0 && patch.Offset < merged[^1].Offset + merged[^1].Length)
            {
                var last = merged[^1];
                if (last.Bytes is not null || patch.Bytes is not null)
                {
                    throw StrippingException.Unreadable("metadata structures overlap");
                }

                merged[^1] = last with { Length = Math.Max(last.Length, patch.Offset + patch.Length - last.Offset) };
                continue;
            }

            merged.Add(patch);
        }

        return merged;
    }

    internal readonly record struct Patch(long Offset, long Length, byte[]? Bytes);
}
