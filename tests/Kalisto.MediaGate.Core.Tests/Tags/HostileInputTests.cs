using System.Buffers.Binary;
using System.Text;
using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Tests.Tags;

/// <summary>Hostile and broken input gives a clear problem: never an exception, a hang or an expansion.</summary>
public sealed class HostileInputTests
{
    private static TagReadResult Read(byte[] content, string name = "photo.jpg", TagReaderOptions? options = null) =>
        new TagReader(Microsoft.Extensions.Options.Options.Create(options ?? new TagReaderOptions())).Read(new MemoryStream(content), name);

    [Fact]
    public void Xmp_with_an_external_entity_is_refused_and_nothing_is_fetched()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var xmp = $"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY ext SYSTEM \"http://127.0.0.1:{port}/leak\">]>" +
            MediaBuilder.Xmp(MediaBuilder.DcSubject("&ext;"));

        var result = Read(MediaBuilder.Jpeg(xmp));

        var problem = Assert.Single(result.Problems);
        Assert.Equal("unreadable", problem.Code);
        Assert.Contains("DOCTYPE", problem.Message, StringComparison.Ordinal);
        Assert.Empty(result.Keywords);
        Assert.False(listener.Pending(), "the reader must not connect anywhere");
    }

    [Fact]
    public void Xmp_with_entity_expansion_is_refused()
    {
        var entities = "<!ENTITY a \"aaaaaaaaaa\">" + string.Concat(Enumerable.Range(1, 9).Select(i => $"<!ENTITY {(char)('a' + i)} \"{string.Concat(Enumerable.Repeat($"&{(char)('a' + i - 1)};", 10))}\">"));
        var xmp = $"<!DOCTYPE x [{entities}]>" + MediaBuilder.Xmp(MediaBuilder.DcSubject("&j;"));

        var result = Read(MediaBuilder.Jpeg(xmp));

        Assert.Equal("unreadable", Assert.Single(result.Problems).Code);
        Assert.Empty(result.Keywords);
    }

    [Fact]
    public void Deeply_nested_xmp_is_refused_without_overflowing_the_stack()
    {
        const int depth = 200_000;
        var nested = new StringBuilder();
        nested.Insert(0, "<x>", depth).Append("LL-1001").Insert(nested.Length, "</x>", depth);
        var xmp = MediaBuilder.Xmp($"<rdf:Description rdf:about=\"\"><a:deep xmlns:a=\"urn:a\">{nested}</a:deep></rdf:Description>");
        var jpeg = MediaBuilder.Jpeg(null, 16, ExtendedXmp(xmp));

        var result = Read(jpeg);

        var problem = Assert.Single(result.Problems);
        Assert.Equal("unreadable", problem.Code);
        Assert.Contains("nested", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Metadata_over_the_cap_is_too_large()
    {
        var big = MediaBuilder.Xmp(MediaBuilder.DcSubject([.. Enumerable.Range(0, 20_000).Select(i => $"keyword-{i}")]));
        var mp4 = Concat(MediaBuilder.Ftyp(), MediaBuilder.XmpUuidBox(big));

        var result = Read(mp4, "clip.mp4", new TagReaderOptions { MaxMetadataBytes = 64 * 1024 });

        Assert.Equal("too-large", Assert.Single(result.Problems).Code);
    }

    [Fact]
    public void Empty_file_is_unreadable()
    {
        var result = Read([]);

        Assert.Equal("unreadable", Assert.Single(result.Problems).Code);
        Assert.Contains("empty", result.Problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_metadata_is_unreadable()
    {
        var jpeg = MediaBuilder.Jpeg(MediaBuilder.Xmp(MediaBuilder.DcSubject("LL-1001")));

        var result = Read(jpeg[..200]);

        Assert.Equal("unreadable", Assert.Single(result.Problems).Code);
    }

    [Fact]
    public void Truncated_video_box_is_unreadable()
    {
        var mp4 = Concat(MediaBuilder.Ftyp(), MediaBuilder.XmpUuidBox(MediaBuilder.Xmp(MediaBuilder.DcSubject("LL-1001"))));

        var result = Read(mp4[..(mp4.Length - 10)], "clip.mp4");

        Assert.Equal("unreadable", Assert.Single(result.Problems).Code);
    }

    [Fact]
    public void Box_that_claims_more_than_the_file_holds_is_unreadable()
    {
        var box = MediaBuilder.Box("moov");
        BinaryPrimitives.WriteUInt32BigEndian(box, 0x7FFF_FFFF);

        var result = Read(Concat(MediaBuilder.Ftyp(), box), "clip.mp4");

        Assert.Equal("unreadable", Assert.Single(result.Problems).Code);
    }

    [Fact]
    public void A_name_of_no_media_file_is_a_problem_but_the_tags_are_still_read()
    {
        var jpeg = MediaBuilder.Jpeg(MediaBuilder.Xmp(MediaBuilder.DcSubject("LL-1001")));

        var result = Read(jpeg, "photo.txt");

        Assert.Equal(MediaFormat.Jpeg, result.Format);
        var problem = Assert.Single(result.Problems);
        Assert.Equal("unreadable", problem.Code);
        Assert.Contains(".txt", problem.Message, StringComparison.Ordinal);
        Assert.Equal("LL-1001", Assert.Single(result.Keywords).Value);
    }

    [Fact]
    public void Xmp_that_is_not_xml_is_unreadable()
    {
        var result = Read(MediaBuilder.Jpeg("<x:xmpmeta><rdf:RDF><unclosed"));

        Assert.Equal("unreadable", Assert.Single(result.Problems).Code);
    }

    [Fact]
    public void Stale_bytes_after_the_packet_trailer_are_ignored()
    {
        var xmp = MediaBuilder.Xmp(MediaBuilder.DcSubject("LL-1001")) + "</rdf:RDF></x:xmpmeta><?xpacket end=\"r\"?>";

        var result = Read(MediaBuilder.Jpeg(xmp));

        Assert.Empty(result.Problems);
        Assert.Equal("LL-1001", Assert.Single(result.Keywords).Value);
    }

    [Fact]
    public void Unseekable_stream_is_a_caller_error()
    {
        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream();

        Assert.Throws<ArgumentException>(() => new TagReader().Read(pipe, "photo.jpg"));
    }

    /// <summary>Extended XMP (APP1) chunks holding a packet larger than one segment.</summary>
    private static byte[] ExtendedXmp(string xmp)
    {
        var data = Encoding.UTF8.GetBytes(xmp);
        using var ms = new MemoryStream();
        const int chunk = 60_000;
        for (var offset = 0; offset < data.Length; offset += chunk)
        {
            var part = data.AsSpan(offset, Math.Min(chunk, data.Length - offset));
            var header = new byte[40];
            Encoding.ASCII.GetBytes("0123456789ABCDEF0123456789ABCDEF").CopyTo(header, 0);
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(32), (uint)data.Length);
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(36), (uint)offset);
            ms.Write(MediaBuilder.JpegSegment(0xE1, [.. "http://ns.adobe.com/xmp/extension/\0"u8, .. header, .. part]));
        }

        return ms.ToArray();
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
