using Kalisto.MediaGate.Cli;
using Kalisto.MediaGate.Cli.Commands;
using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Tests;

public sealed class JsonLinesTests
{
    [Fact]
    public void Generated_inspect_lines_are_the_lines_of_the_shared_options_for_every_fixture()
    {
        var reader = new TagReader();
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Data")).Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count > 20);

        foreach (var file in files)
        {
            using var stream = File.OpenRead(file);
            var line = InspectLine.From(file, reader.Read(stream, Path.GetFileName(file)));

            Assert.Equal(CliJson.Line(line) + Environment.NewLine, Generated(line));
        }
    }

    [Fact]
    public void Generated_inspect_lines_write_unnamed_faces_alternatives_escapes_and_non_ascii_text_as_the_shared_options_do()
    {
        var line = new InspectLine(
            "de-wilg/sportdag/\"finale\" Zoë.jpg",
            "image",
            "jpeg",
            [
                new InspectLine.Person(null, "XMP mwg-rs:Regions (APP1)", new FaceRegion(0.1, 0.35000000000000003, 0.3, 1), null),
                new InspectLine.Person("LL-1001", "XMP Iptc4xmpExt:PersonInImageWDetails (APP1)", null, ["Emma de Vries", "עברית"]),
            ],
            [new InspectLine.Keyword("test-中文-<b>&", "IPTC 2:25 Keywords (APP13 Photoshop IRB)")],
            NoPeopleMarker: true,
            [new InspectLine.Problem("unreadable", "the JPEG file is truncated or damaged\n\ttab")],
            BytesRead: long.MaxValue);

        var generated = Generated(line);

        Assert.Equal(CliJson.Line(line) + Environment.NewLine, generated);
        Assert.Contains("\"value\":null", generated, StringComparison.Ordinal);
        Assert.Contains("Zoë", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void One_writer_prints_one_line_per_value()
    {
        var output = new StringWriter();
        using (var lines = new JsonLines<InspectLine>(output, CliJsonContext.Default.InspectLine))
        {
            lines.Write(Empty("a.jpg"));
            lines.Write(Empty("b.jpg"));
        }

        Assert.Equal(
            [CliJson.Line(Empty("a.jpg")), CliJson.Line(Empty("b.jpg"))],
            output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    private static string Generated(InspectLine line)
    {
        var output = new StringWriter();
        using (var lines = new JsonLines<InspectLine>(output, CliJsonContext.Default.InspectLine))
        {
            lines.Write(line);
        }

        return output.ToString();
    }

    private static InspectLine Empty(string path) => new(path, "image", "jpeg", [], [], false, [], 0);
}
