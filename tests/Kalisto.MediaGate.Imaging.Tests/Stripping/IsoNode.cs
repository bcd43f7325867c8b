using System.Buffers.Binary;
using System.Text;

namespace Kalisto.MediaGate.Imaging.Tests.Stripping;

/// <summary>What the stripper must do to one box.</summary>
internal enum BoxFate
{
    /// <summary>Copied byte for byte (ftyp, mvhd, tkhd, stco, mdat, …).</summary>
    Kept,

    /// <summary>A container: its header and fixed fields are copied, its children each have their own fate.</summary>
    Walked,

    /// <summary>Free space (free, skip): type and size stay, the payload becomes zeros.</summary>
    Emptied,

    /// <summary>Neutralised: a <c>free</c> box of the same size with zeros inside.</summary>
    Gone,
}

/// <summary>
/// One box of an ISO media file built in code, with what the stripper must do to it, so that a test states
/// the whole expected copy: the input is <see cref="Bytes"/>, the expected output <see cref="Expected"/>.
/// </summary>
internal sealed class IsoNode
{
    private IsoNode(string type, BoxFate fate, byte[] fields, IsoNode[] children)
    {
        Type = type;
        Fate = fate;
        Fields = fields;
        Children = children;
    }

    public string Type { get; }

    public BoxFate Fate { get; }

    /// <summary>The payload before the children (a leaf's whole payload; a full box's version and flags, a sample entry's fixed fields).</summary>
    public byte[] Fields { get; }

    public IsoNode[] Children { get; }

    public int Size => 8 + Fields.Length + Children.Sum(c => c.Size);

    public static IsoNode Keep(string type, byte[] payload) => new(type, BoxFate.Kept, payload, []);

    public static IsoNode Walk(string type, params IsoNode[] children) => new(type, BoxFate.Walked, [], children);

    public static IsoNode Walk(string type, byte[] fields, params IsoNode[] children) => new(type, BoxFate.Walked, fields, children);

    public static IsoNode Emptied(string type, byte[] payload) => new(type, BoxFate.Emptied, payload, []);

    public static IsoNode Gone(string type, byte[] payload) => new(type, BoxFate.Gone, payload, []);

    public static IsoNode Gone(string type, params IsoNode[] children) => new(type, BoxFate.Gone, [], children);

    public static byte[] File(IEnumerable<IsoNode> top) => [.. top.SelectMany(n => n.Bytes())];

    public static byte[] ExpectedFile(IEnumerable<IsoNode> top) => [.. top.SelectMany(n => n.Expected())];

    /// <summary>Every box of the file with its path and offset, depth first; not the boxes inside a neutralised box.</summary>
    public static IEnumerable<(string Path, int Start, IsoNode Node)> Layout(IEnumerable<IsoNode> top)
    {
        var start = 0;
        foreach (var node in top)
        {
            foreach (var entry in node.Layout(string.Empty, start))
            {
                yield return entry;
            }

            start += node.Size;
        }
    }

    public byte[] Bytes() => Box(Type, [.. Fields, .. Children.SelectMany(c => c.Bytes())]);

    public byte[] Expected() => Fate switch
    {
        BoxFate.Kept => Bytes(),
        BoxFate.Walked => Box(Type, [.. Fields, .. Children.SelectMany(c => c.Expected())]),
        BoxFate.Emptied => Box(Type, new byte[Size - 8]),
        BoxFate.Gone => Box("free", new byte[Size - 8]),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>The type the copy has at this box's place.</summary>
    public string ExpectedType => Fate == BoxFate.Gone ? "free" : Type;

    private IEnumerable<(string Path, int Start, IsoNode Node)> Layout(string parent, int start)
    {
        var path = $"{parent}/{Type}";
        yield return (path, start, this);
        if (Fate != BoxFate.Walked)
        {
            yield break;
        }

        var position = start + 8 + Fields.Length;
        foreach (var child in Children)
        {
            foreach (var entry in child.Layout(path, position))
            {
                yield return entry;
            }

            position += child.Size;
        }
    }

    /// <summary>A box with a 32-bit size; the type in Latin-1, so that ©xyz is one byte 0xA9 and three letters.</summary>
    public static byte[] Box(string type, byte[] payload)
    {
        var box = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)box.Length);
        Encoding.Latin1.GetBytes(type).CopyTo(box, 4);
        payload.CopyTo(box, 8);
        return box;
    }
}
