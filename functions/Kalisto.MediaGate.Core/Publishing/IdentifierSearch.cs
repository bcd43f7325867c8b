using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Subjects;

namespace Kalisto.MediaGate.Publishing;

/// <summary>
/// Searches the metadata bytes of a copy for what must never leave MediaGate (SPEC §8): every subject ID
/// and display name of a school's register, and GPS markers. Built once per register and then used for
/// any number of copies, from any number of threads.
/// </summary>
/// <remarks>
/// <para>
/// Bytes are searched as text in every encoding that metadata writers use: UTF-8 (and ASCII), Latin-1 and
/// Windows-1252 (old IPTC and EXIF), UTF-16 little- and big-endian at both byte alignments (EXIF XP tags,
/// QuickTime and ID3 text, UTF-16 XMP), and, where the text holds them, with XML/HTML character references
/// decoded (<c>Zo&amp;#235;</c>, <c>&amp;#xEB;</c>, <c>&amp;amp;</c>). Values are compared case-insensitively
/// (ordinal, any script) in their NFC, NFD, NFKC and NFKD forms, so a name written decomposed
/// (<c>Zoe</c> + U+0308) hits the register's <c>Zoë</c>; a name's whitespace is collapsed to single spaces
/// first, as name resolution does. UTF-8 bytes that a tool took for Latin-1 and encoded again (<c>ZoÃ«</c>)
/// hit too.
/// </para>
/// <para>
/// <b>How.</b> Each value is turned, once, into the forms it takes in each view, and every view is searched
/// for all of them at once with <see cref="SearchValues{T}"/> of strings (ordinal, ignoring case), never
/// value by value. The bytes are read one character per byte (a vectorised Latin-1 view), which holds ASCII,
/// Latin-1 and Windows-1252 text as it is and UTF-8 text as its bytes: a value's UTF-8 form is searched as
/// those bytes, with each non-ASCII letter in both cases (at most 16 forms a value), which spares decoding
/// UTF-8, the costliest step on binary data. The four UTF-16 views are searched for the values themselves.
/// About 6 ms a megabyte of binary metadata and 13 ms a megabyte of text, for 2,000 records (and 40–70 ms
/// to build the search once for such a register).
/// </para>
/// <para>
/// <b>Short values.</b> What is searched depends on how many non-space characters a value has (in NFC):
/// six or more are searched anywhere, as substrings; three to five only as a whole word (not next to a
/// letter, digit or combining mark), because a short string such as <c>Eva</c> turns up by chance in binary
/// data and would refuse copies that hold no name; one or two are not searched at all, because a whole-word
/// <c>Bo</c> still turns up every few kilobytes of binary data. The container walk leaves the three-to-five
/// character values out where it knows the bytes to be binary (colour profiles, compressed streams, sample
/// tables): a whole-word <c>Joe</c> turned up in the 1.1 MB compressed colour profile of a real PNG.
/// A subject is still searched by its subject ID (six characters or more with the default pattern), which
/// is what keyword fields carry, and a name in a person field is resolved (or refused) by the screening
/// before any copy is made; <see cref="UnsearchedValues"/> says how many values the rule left out, so the
/// caller can log it. The trade-off leans towards refusing: a longer name is matched inside any text.
/// </para>
/// <para>
/// GPS markers are the XMP/EXIF property names (<c>GPSLatitude</c>, <c>GPSLongitude</c>,
/// <c>GPSPosition</c>, <c>GPSCoordinates</c>, any <c>exif:GPS…</c>), the QuickTime location key
/// (<c>com.apple.quicktime.location…</c>) and an ISO 6709 location string (<c>+52.3676+004.9041/</c>, as
/// QuickTime <c>©xyz</c> and <c>com.apple.quicktime.location.ISO6709</c> hold it). Markers that are only
/// structural (an EXIF GPS IFD pointer, a <c>©xyz</c> or <c>loci</c> box) are for the container walk to find.
/// </para>
/// </remarks>
public sealed class IdentifierSearch
{
    /// <summary>Values with fewer non-space characters are not searched.</summary>
    internal const int MinimumLength = 3;

    /// <summary>Values with at least this many non-space characters are searched anywhere, shorter ones as whole words.</summary>
    internal const int AnywhereLength = 6;

    /// <summary>The longest ISO 6709 string recognised, in characters.</summary>
    private const int MaxLocationChars = 96;

    /// <summary>The most bytes one character of a value can take in any searched form (a character reference).</summary>
    private const int MaxBytesPerChar = 10;

    private static readonly string[] GpsMarkers =
    [
        "GPSLatitude", "GPSLongitude", "GPSPosition", "GPSCoordinates", "exif:GPS", "com.apple.quicktime.location",
    ];

    private static readonly NormalizationForm[] Forms =
    [
        NormalizationForm.FormC, NormalizationForm.FormD, NormalizationForm.FormKC, NormalizationForm.FormKD,
    ];

    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    // The inbox code-page provider, asked directly so no process-wide encoding registration is needed.
    private static readonly Encoding? Windows1252 =
        CodePagesEncodingProvider.Instance.GetEncoding(1252, EncoderFallback.ExceptionFallback, DecoderFallback.ReplacementFallback);

    private static readonly SearchValues<char> Signs = SearchValues.Create("+-");

    private readonly SearchValues<string> _text;
    private readonly SearchValues<string> _bytes;
    private readonly Dictionary<string, Needle>.AlternateLookup<ReadOnlySpan<char>> _needles;
    private readonly int[] _lengths;

    private IdentifierSearch(Dictionary<string, Needle> needles, List<string> text, List<string> bytes, int unsearched, int subjectIds, int displayNames)
    {
        _needles = needles.GetAlternateLookup<ReadOnlySpan<char>>();
        _text = SearchValues.Create(text.Distinct(StringComparer.OrdinalIgnoreCase).ToArray(), StringComparison.OrdinalIgnoreCase);
        _bytes = SearchValues.Create(bytes.Distinct(StringComparer.OrdinalIgnoreCase).ToArray(), StringComparison.OrdinalIgnoreCase);
        _lengths = [.. needles.Keys.Select(k => k.Length).Distinct().OrderDescending()];
        var longest = _lengths.Length == 0 ? 0 : _lengths[0];
        OverlapBytes = (Math.Max(longest, MaxLocationChars) * MaxBytesPerChar) + 16;
        UnsearchedValues = unsearched;
        SubjectIds = subjectIds;
        DisplayNames = displayNames;
    }

    /// <summary>How many subject IDs are searched.</summary>
    public int SubjectIds { get; }

    /// <summary>How many display names are searched.</summary>
    public int DisplayNames { get; }

    /// <summary>How many IDs and names are too short to be searched (fewer than three non-space characters).</summary>
    public int UnsearchedValues { get; }

    /// <summary>
    /// How many bytes consecutive windows of one long byte range must share so that no match is lost at a
    /// window's edge: the longest value in its longest encoded form.
    /// </summary>
    internal int OverlapBytes { get; }

    /// <summary>
    /// The search for every subject ID and display name of <paramref name="records"/>: pass all records of
    /// the school, withdrawn and expired ones too (a withdrawn subject's name must not leave either).
    /// </summary>
    public static IdentifierSearch For(IEnumerable<ConsentRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var needles = new Dictionary<string, Needle>(StringComparer.OrdinalIgnoreCase);
        var text = new List<string>();
        var bytes = new List<string>();
        foreach (var marker in GpsMarkers)
        {
            needles[marker] = new Needle(IdentifierKind.GpsMarker, WholeWord: false, Utf8: true);
            text.Add(marker);
            bytes.Add(marker);
        }

        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var unsearched = 0;
        var searchedIds = 0;
        var searchedNames = 0;
        foreach (var record in records)
        {
            ArgumentNullException.ThrowIfNull(record);
            foreach (var (value, kind, seen) in new[] { (record.SubjectId, IdentifierKind.SubjectId, ids), (record.DisplayName, IdentifierKind.DisplayName, names) })
            {
                var collapsed = SubjectResolver.CollapseWhitespace(value.Normalize(NormalizationForm.FormC));
                if (collapsed.Length == 0 || !seen.Add(collapsed))
                {
                    continue;
                }

                var length = collapsed.Count(c => c != ' ');
                if (length < MinimumLength)
                {
                    unsearched++;
                    continue;
                }

                if (kind == IdentifierKind.SubjectId)
                {
                    searchedIds++;
                }
                else
                {
                    searchedNames++;
                }

                var inText = new Needle(kind, WholeWord: length < AnywhereLength, Utf8: false);
                var asUtf8 = inText with { Utf8 = true };
                foreach (var form in Forms.Select(f => SubjectResolver.CollapseWhitespace(value.Normalize(f))).Distinct(StringComparer.Ordinal))
                {
                    // UTF-16 text and decoded character references hold the characters themselves.
                    Add(needles, text, form, inText);
                    if (Ascii.IsValid(form))
                    {
                        Add(needles, bytes, form, asUtf8);
                        continue;
                    }

                    // The byte view holds UTF-8 as its bytes, one character each; ignoring case there covers
                    // ASCII letters only, so the other letters are added in both cases.
                    foreach (var variant in CaseVariants(form))
                    {
                        Add(needles, bytes, AsBytes(Utf8.GetBytes(variant)), asUtf8);
                    }

                    // UTF-8 that a tool took for Latin-1 and encoded again.
                    var twice = Encoding.Latin1.GetString(Utf8.GetBytes(form));
                    Add(needles, text, twice, inText);
                    Add(needles, bytes, AsBytes(Utf8.GetBytes(twice)), asUtf8);
                    if (SingleByte(form) is { } latin)
                    {
                        Add(needles, bytes, latin, inText);
                    }
                }
            }
        }

        return new IdentifierSearch(needles, text, bytes, unsearched, searchedIds, searchedNames);
    }

    /// <summary>
    /// The first ID, name or GPS marker in <paramref name="metadata"/>, or null when there is none. The hit
    /// says what kind of value was found and in which encoding, never the value.
    /// </summary>
    public IdentifierHit? Find(ReadOnlySpan<byte> metadata) => Find(metadata, shortValues: true);

    /// <summary>
    /// As <see cref="Find(ReadOnlySpan{byte})"/>; with <paramref name="shortValues"/> false the values that are
    /// searched as whole words (three to five characters) are left out, for bytes known to be binary (colour
    /// profiles, compressed streams, sample tables), where such a string turns up by chance.
    /// </summary>
    internal IdentifierHit? Find(ReadOnlySpan<byte> metadata, bool shortValues)
    {
        if (metadata.IsEmpty)
        {
            return null;
        }

        var view = ArrayPool<char>.Shared.Rent(metadata.Length + 1);
        var references = ArrayPool<char>.Shared.Rent(metadata.Length + 1);
        try
        {
            // One character per byte: ASCII and Latin-1 as they are, UTF-8 as its bytes (see For).
            var latin = view.AsSpan(0, Encoding.Latin1.GetChars(metadata, view));
            if (Search(latin, 0, latin.Length, _bytes, locations: true, shortValues) is { } needle)
            {
                return new IdentifierHit(needle.Kind, needle.Utf8 ? IdentifierEncoding.Utf8 : IdentifierEncoding.Latin1);
            }

            if (latin.Contains('&') && DecodeReferences(latin, references) is var decoded and > 0
                && Search(references.AsSpan(0, decoded), 0, decoded, _text, locations: true, shortValues) is { } referenced)
            {
                return new IdentifierHit(referenced.Kind, IdentifierEncoding.Utf8, InCharacterReferences: true);
            }

            for (var alignment = 0; alignment < 2 && metadata.Length - alignment >= 2; alignment++)
            {
                var units = MemoryMarshal.Cast<byte, ushort>(metadata.Slice(alignment, (metadata.Length - alignment) & ~1));
                foreach (var bigEndian in new[] { false, true })
                {
                    var chars = view.AsSpan(0, units.Length);
                    var swap = bigEndian == BitConverter.IsLittleEndian;
                    if (swap)
                    {
                        BinaryPrimitives.ReverseEndianness(units, MemoryMarshal.Cast<char, ushort>(chars));
                    }
                    else
                    {
                        MemoryMarshal.Cast<ushort, char>(units).CopyTo(chars);
                    }

                    var encoding = bigEndian ? IdentifierEncoding.Utf16BigEndian : IdentifierEncoding.Utf16LittleEndian;
                    if (SearchText(chars, encoding, references, shortValues) is { } utf16)
                    {
                        return utf16;
                    }
                }
            }

            return null;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(view);
            ArrayPool<char>.Shared.Return(references);
        }
    }

    private IdentifierHit? SearchText(ReadOnlySpan<char> text, IdentifierEncoding encoding, char[] references, bool shortValues) =>
        SearchText(text, 0, text.Length, encoding, references, shortValues);

    /// <summary>Searches <c>text[start..end]</c>; whole-word values look at the characters around the range too.</summary>
    private IdentifierHit? SearchText(ReadOnlySpan<char> text, int start, int end, IdentifierEncoding encoding, char[] references, bool shortValues)
    {
        if (Search(text, start, end, _text, locations: true, shortValues) is { } needle)
        {
            return new IdentifierHit(needle.Kind, encoding);
        }

        var range = text[start..end];
        if (range.Contains('&') && DecodeReferences(range, references) is var decoded and > 0
            && Search(references.AsSpan(0, decoded), 0, decoded, _text, locations: true, shortValues) is { } referenced)
        {
            return new IdentifierHit(referenced.Kind, encoding, InCharacterReferences: true);
        }

        return null;
    }

    private Needle? Search(ReadOnlySpan<char> text, int start, int end, SearchValues<string> values, bool locations, bool shortValues)
    {
        for (var offset = start; offset < end;)
        {
            var found = text[offset..end].IndexOfAny(values);
            if (found < 0)
            {
                break;
            }

            var position = offset + found;
            if (Resolve(text, position, shortValues) is { } needle)
            {
                return needle;
            }

            offset = position + 1;
        }

        return locations && HasIso6709(text[start..end]) ? new Needle(IdentifierKind.GpsMarker, WholeWord: false, Utf8: true) : null;
    }

    /// <summary>Which value matched at <paramref name="position"/>; null when only a whole-word value matched inside a word.</summary>
    private Needle? Resolve(ReadOnlySpan<char> text, int position, bool shortValues)
    {
        var matched = false;
        foreach (var length in _lengths)
        {
            if (position + length <= text.Length && _needles.TryGetValue(text.Slice(position, length), out var needle))
            {
                matched = true;
                if (!needle.WholeWord || (shortValues && !IsWordChar(text, position - 1) && !IsWordChar(text, position + length)))
                {
                    return needle;
                }
            }
        }

        // The search found a value the table does not name (the two disagree on some case mapping): that is
        // still a value of the register, so it counts.
        return matched ? null : new Needle(IdentifierKind.DisplayName, WholeWord: false, Utf8: true);
    }

    private static bool IsWordChar(ReadOnlySpan<char> text, int index) =>
        index >= 0 && index < text.Length
        && (char.IsLetterOrDigit(text[index])
            || CharUnicodeInfo.GetUnicodeCategory(text[index]) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark);

    /// <summary>
    /// An ISO 6709 point: latitude <c>±DD[MM[SS]][.d…]</c>, longitude <c>±DDD[MM[SS]][.d…]</c>, an optional
    /// altitude, then the closing <c>/</c>; without the <c>/</c> only when both parts have decimals, so that
    /// chance digits in binary data do not count.
    /// </summary>
    internal static bool HasIso6709(ReadOnlySpan<char> text)
    {
        for (var offset = 0; offset < text.Length;)
        {
            var found = text[offset..].IndexOfAny(Signs);
            if (found < 0)
            {
                return false;
            }

            var start = offset + found;
            if (IsIso6709(text[start..Math.Min(text.Length, start + MaxLocationChars)]))
            {
                return true;
            }

            offset = start + 1;
        }

        return false;
    }

    private static bool IsIso6709(ReadOnlySpan<char> s)
    {
        var i = 1;
        var latitude = Digits(s, ref i);
        if (latitude is not (2 or 4 or 6))
        {
            return false;
        }

        var latitudeDecimals = Decimals(s, ref i);
        if (i >= s.Length || s[i] is not ('+' or '-'))
        {
            return false;
        }

        i++;
        var longitude = Digits(s, ref i);
        if (longitude is not (3 or 5 or 7))
        {
            return false;
        }

        var longitudeDecimals = Decimals(s, ref i);
        if (i < s.Length && s[i] is '+' or '-')
        {
            var altitude = i + 1;
            if (Digits(s, ref altitude) > 0)
            {
                Decimals(s, ref altitude);
                i = altitude;
            }
        }

        if (i < s.Length && s[i] == 'C' && s[i..].StartsWith("CRS", StringComparison.Ordinal))
        {
            var end = s[i..].IndexOf('/');
            i = end < 0 ? s.Length : i + end;
        }

        return (i < s.Length && s[i] == '/') || (latitudeDecimals && longitudeDecimals);
    }

    private static int Digits(ReadOnlySpan<char> s, ref int i)
    {
        var start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        return i - start;
    }

    private static bool Decimals(ReadOnlySpan<char> s, ref int i)
    {
        if (i + 1 < s.Length && s[i] == '.' && char.IsAsciiDigit(s[i + 1]))
        {
            i++;
            Digits(s, ref i);
            return true;
        }

        return false;
    }

    /// <summary>
    /// <paramref name="text"/> with numeric character references and the five XML entities decoded, into
    /// <paramref name="output"/> (never longer than the input); 0 when there was nothing to decode.
    /// </summary>
    internal static int DecodeReferences(ReadOnlySpan<char> text, Span<char> output)
    {
        var written = 0;
        var decoded = 0;
        for (var i = 0; i < text.Length;)
        {
            var amp = text[i..].IndexOf('&');
            if (amp < 0)
            {
                text[i..].CopyTo(output[written..]);
                written += text.Length - i;
                break;
            }

            text.Slice(i, amp).CopyTo(output[written..]);
            written += amp;
            i += amp;
            if (Reference(text[i..], out var consumed, out var value))
            {
                written += new Rune(value).EncodeToUtf16(output[written..]);
                i += consumed;
                decoded++;
            }
            else
            {
                output[written++] = '&';
                i++;
            }
        }

        return decoded == 0 ? 0 : written;
    }

    private static bool Reference(ReadOnlySpan<char> s, out int consumed, out int value)
    {
        consumed = 0;
        value = 0;
        var semicolon = s[..Math.Min(s.Length, 12)].IndexOf(';');
        if (semicolon < 3)
        {
            return false;
        }

        var body = s[1..semicolon];
        consumed = semicolon + 1;
        if (body[0] == '#')
        {
            var hex = body.Length > 1 && body[1] is 'x' or 'X';
            var digits = body[(hex ? 2 : 1)..];
            return !digits.IsEmpty
                && int.TryParse(digits, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out value)
                && Rune.IsValid(value);
        }

        value = body switch
        {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => 0,
        };
        return value != 0;
    }

    private static void Add(Dictionary<string, Needle> needles, List<string> values, string form, Needle needle)
    {
        if (needles.TryGetValue(form, out var existing))
        {
            // The same string as an ID and as a name counts as an ID; matched anywhere if either form is.
            needle = new Needle(
                existing.Kind == IdentifierKind.SubjectId || needle.Kind == IdentifierKind.SubjectId ? IdentifierKind.SubjectId : needle.Kind,
                existing.WholeWord && needle.WholeWord,
                existing.Utf8 || needle.Utf8);
        }

        needles[form] = needle;
        values.Add(form);
    }

    /// <summary>The name as Windows-1252 (a superset of Latin-1's letters) bytes, read back one char per byte; null if it has no such form.</summary>
    private static string? SingleByte(string form)
    {
        if (Windows1252 is null)
        {
            return form.All(c => c <= 0xFF) ? form : null;
        }

        try
        {
            return Encoding.Latin1.GetString(Windows1252.GetBytes(form));
        }
        catch (EncoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>
    /// The form with each non-ASCII letter in its lower and its upper case (at most 16 forms; a name with more
    /// such letters gets its own, all-lower and all-upper forms).
    /// </summary>
    private static IEnumerable<string> CaseVariants(string form)
    {
        var positions = Enumerable.Range(0, form.Length).Where(i => form[i] > 0x7F && char.ToUpperInvariant(form[i]) != char.ToLowerInvariant(form[i])).ToList();
        if (positions.Count > 4)
        {
            return [form, form.ToLowerInvariant(), form.ToUpperInvariant()];
        }

        var variants = new List<string>();
        for (var mask = 0; mask < 1 << positions.Count; mask++)
        {
            var chars = form.ToCharArray();
            for (var bit = 0; bit < positions.Count; bit++)
            {
                var c = chars[positions[bit]];
                chars[positions[bit]] = (mask & (1 << bit)) == 0 ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c);
            }

            variants.Add(new string(chars));
        }

        return variants;
    }

    private static string AsBytes(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>
    /// What a searched form stands for: its kind, whether it counts only as a whole word, and (in the byte
    /// view) whether it is UTF-8 or ASCII rather than Latin-1 or Windows-1252.
    /// </summary>
    private readonly record struct Needle(IdentifierKind Kind, bool WholeWord, bool Utf8);
}

/// <summary>What kind of value an <see cref="IdentifierSearch"/> or a publication check found.</summary>
public enum IdentifierKind
{
    SubjectId,
    DisplayName,
    GpsMarker,
}

/// <summary>The text encoding in which a value was found.</summary>
public enum IdentifierEncoding
{
    /// <summary>UTF-8, which includes plain ASCII.</summary>
    Utf8,

    /// <summary>Latin-1 or Windows-1252.</summary>
    Latin1,

    Utf16LittleEndian,
    Utf16BigEndian,
}

/// <summary>A hit of an <see cref="IdentifierSearch"/>: the kind and the encoding, never the value.</summary>
public sealed record IdentifierHit(IdentifierKind Kind, IdentifierEncoding Encoding, bool InCharacterReferences = false)
{
    /// <summary>What was found, for a message: "a display name of the register".</summary>
    public string Description => Kind switch
    {
        IdentifierKind.SubjectId => "a subject ID of the register",
        IdentifierKind.DisplayName => "a display name of the register",
        _ => "a GPS location",
    };

    /// <summary>The encoding, for a message: "UTF-16LE", "UTF-8, as XML character references".</summary>
    public string EncodingName => (Encoding switch
    {
        IdentifierEncoding.Utf8 => "UTF-8",
        IdentifierEncoding.Latin1 => "Latin-1",
        IdentifierEncoding.Utf16LittleEndian => "UTF-16LE",
        _ => "UTF-16BE",
    }) + (InCharacterReferences ? ", as XML character references" : string.Empty);
}
