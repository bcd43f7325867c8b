using System.Buffers;
using Kalisto.MediaGate.Imaging.Stripping;
using Kalisto.MediaGate.Publishing;

namespace Kalisto.MediaGate.Imaging.Publishing;

/// <summary>
/// Collects the byte ranges of a copy that lie outside its image or media data, each with the name of its
/// place, and searches them with an <see cref="IdentifierSearch"/> through bounded windows: many small
/// ranges share a window (so a file of ten thousand chunks costs few searches), a long range is searched in
/// windows that overlap by the longest value, so no match is lost at an edge. Ranges known to be binary
/// (colour profiles, compressed streams, sample tables) go to a window of their own, searched without the
/// short values that such bytes hold by chance. The first hit ends the check with a
/// <see cref="RefusedException"/> that names the place.
/// </summary>
internal sealed class RangeSearch : IDisposable
{
    private readonly SourceReader _reader;
    private readonly Window _text;
    private readonly Window _binary;

    public RangeSearch(SourceReader reader, IdentifierSearch identifiers, CancellationToken cancellationToken)
    {
        _reader = reader;
        _text = new Window(identifiers, shortValues: true, cancellationToken);
        _binary = new Window(identifiers, shortValues: false, cancellationToken);
    }

    /// <summary>Searches <paramref name="length"/> bytes of the copy from <paramref name="start"/>.</summary>
    public void Add(string place, long start, long length, bool binary = false)
    {
        if (length <= 0)
        {
            return;
        }

        if (start < 0 || start > _reader.Length || length > _reader.Length - start)
        {
            throw StrippingException.Unreadable($"{place} lies outside the file");
        }

        (binary ? _binary : _text).Add(place, _reader, start, length);
    }

    /// <summary>Searches bytes that are not in the file as they stand (decompressed data, joined sub-blocks).</summary>
    public void Add(string place, ReadOnlySpan<byte> bytes, bool binary = false) => (binary ? _binary : _text).Add(place, bytes);

    /// <summary>Ends the check at once: a structure of the copy is itself a GPS marker (an EXIF GPS pointer, a location box).</summary>
    public static RefusedException Found(string what, string place) => new($"the copy still holds {what} in {place}");

    /// <summary>Searches what is left in the windows.</summary>
    public void Complete()
    {
        _text.Flush(continuing: null);
        _binary.Flush(continuing: null);
    }

    public void Dispose()
    {
        _text.Dispose();
        _binary.Dispose();
    }

    private sealed class Window : IDisposable
    {
        private const int WindowBytes = 1024 * 1024;

        /// <summary>Zero bytes between ranges that do not touch: in every encoding they end any text.</summary>
        private const int SeparatorBytes = 4;

        private readonly IdentifierSearch _identifiers;
        private readonly bool _shortValues;
        private readonly CancellationToken _cancellationToken;
        private readonly int _overlap;
        private readonly List<Piece> _pieces = [];
        private byte[]? _buffer;
        private int _used;
        private long _lastEnd = -1;

        public Window(IdentifierSearch identifiers, bool shortValues, CancellationToken cancellationToken)
        {
            _identifiers = identifiers;
            _shortValues = shortValues;
            _cancellationToken = cancellationToken;
            _overlap = Math.Min(identifiers.OverlapBytes, WindowBytes / 4);
        }

        private byte[] Buffer => _buffer ??= ArrayPool<byte>.Shared.Rent(WindowBytes);

        public void Add(string place, SourceReader reader, long start, long length)
        {
            if (start != _lastEnd)
            {
                Separate();
            }

            reader.Seek(start);
            for (var remaining = length; remaining > 0;)
            {
                if (_used == WindowBytes)
                {
                    Flush(place);
                }

                var n = (int)Math.Min(remaining, WindowBytes - _used);
                reader.Read(Buffer.AsSpan(_used, n), place);
                Append(place, n);
                remaining -= n;
            }

            _lastEnd = start + length;
        }

        public void Add(string place, ReadOnlySpan<byte> bytes)
        {
            Separate();
            while (!bytes.IsEmpty)
            {
                if (_used == WindowBytes)
                {
                    Flush(place);
                }

                var n = Math.Min(bytes.Length, WindowBytes - _used);
                bytes[..n].CopyTo(Buffer.AsSpan(_used));
                Append(place, n);
                bytes = bytes[n..];
            }

            _lastEnd = -1;
        }

        /// <summary>
        /// Searches the window; when <paramref name="continuing"/> names a range that goes on in the next
        /// window, its last bytes are kept at the start of the next one.
        /// </summary>
        public void Flush(string? continuing)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (_used == 0)
            {
                return;
            }

            var window = Buffer.AsSpan(0, _used);
            if (_identifiers.Find(window, _shortValues) is { } hit)
            {
                throw new RefusedException($"the copy still holds {hit.Description} in {Locate(window)} ({hit.EncodingName})");
            }

            var keep = continuing is null ? 0 : Math.Min(_overlap, _pieces[^1].Length);
            window[^keep..].CopyTo(Buffer);
            _pieces.Clear();
            _used = 0;
            if (keep > 0)
            {
                _pieces.Add(new Piece(continuing!, 0, keep));
                _used = keep;
            }
        }

        public void Dispose()
        {
            if (_buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null;
            }
        }

        private void Separate()
        {
            if (_used == 0)
            {
                return;
            }

            if (_used + SeparatorBytes > WindowBytes)
            {
                Flush(continuing: null);
                return;
            }

            Buffer.AsSpan(_used, SeparatorBytes).Clear();
            _used += SeparatorBytes;
        }

        private void Append(string place, int length)
        {
            if (_pieces.Count > 0 && _pieces[^1] is var last && string.Equals(last.Place, place, StringComparison.Ordinal) && last.Start + last.Length == _used)
            {
                _pieces[^1] = last with { Length = last.Length + length };
            }
            else
            {
                _pieces.Add(new Piece(place, _used, length));
            }

            _used += length;
        }

        /// <summary>The place of the hit: the first range that hits on its own, else the ranges the match spans.</summary>
        private string Locate(ReadOnlySpan<byte> window)
        {
            foreach (var piece in _pieces)
            {
                if (_identifiers.Find(window.Slice(piece.Start, piece.Length), _shortValues) is not null)
                {
                    return piece.Place;
                }
            }

            var places = _pieces.Select(p => p.Place).Distinct().ToList();
            return places.Count <= 3 ? string.Join(" and ", places) : $"{places[0]} and the {places.Count - 1} places after it";
        }

        private readonly record struct Piece(string Place, int Start, int Length);
    }
}

/// <summary>The check found something that must not leave MediaGate; the message says what and where, never the value.</summary>
internal sealed class RefusedException : Exception
{
    public RefusedException()
    {
    }

    public RefusedException(string message)
        : base(message)
    {
    }

    public RefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
