using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Tests.Tags;

/// <summary>The outside corpus (real files no one on this project made); skipped when it is absent.</summary>
public sealed class CorpusTests
{
    private static TagReadResult Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 16 * 1024);
        return new TagReader().Read(stream, Path.GetFileName(path));
    }

    [SkippableFact]
    public void Windows_photo_gallery_region_names_bill_murray()
    {
        var result = Read(Path.Combine(TestData.RequireCorpus(), "voorbeeld", "people", "metadata-extractor-dotnet issue 51.jpg"));

        Assert.Empty(result.Problems);
        var person = Assert.Single(result.Persons);
        Assert.Equal("Bill Murray", person.Value);
        Assert.Contains("MP:RegionInfo", person.Source, StringComparison.Ordinal);
        Assert.NotNull(person.Region);
    }

    [SkippableFact]
    public void Lightroom_png_has_two_named_mwg_faces()
    {
        var result = Read(Path.Combine(TestData.RequireCorpus(), "voorbeeld", "people", "Issue 356 (dotnet).png"));

        Assert.Empty(result.Problems);
        Assert.Equal(["Daniel Wood", "Denise Wood"], result.Persons.Select(p => p.Value).Order());
        Assert.All(result.Persons, p => Assert.NotNull(p.Region));
    }

    [SkippableFact]
    public void Iptc_reference_image_has_persons_shown_and_persons_with_details()
    {
        var result = Read(Path.Combine(TestData.RequireCorpus(), "voorbeeld", "people", "Issue 258 (dotnet).jpg"));

        Assert.Empty(result.Problems);
        Assert.Contains(result.Persons, p => p.Source.Contains("Iptc4xmpExt:PersonInImage (", StringComparison.Ordinal));
        Assert.Contains(result.Persons, p => p.Source.Contains("PersonInImageWDetails", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Iphone_faces_without_names_are_unnamed_persons()
    {
        var result = Read(Path.Combine(TestData.RequireCorpus(), "voorbeeld", "people", "Issue 177.jpg"));

        Assert.NotEmpty(result.Persons);
        Assert.All(result.Persons, p => Assert.True(p.IsUnnamed));
    }

    [SkippableTheory]
    [InlineData("uuid540.mp4", "uuid box")]
    [InlineData("xmp480qt.mov", "XMP")]
    public void Videos_have_keywords_that_are_not_subject_ids(string file, string source)
    {
        var result = Read(Path.Combine(TestData.RequireCorpus(), "voorbeeld", "people", file));

        Assert.Empty(result.Problems);
        Assert.Empty(result.Persons);
        Assert.NotEmpty(result.Keywords);
        Assert.All(result.Keywords, k => Assert.Contains(source, k.Source, StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Every_format_file_is_read_without_throwing()
    {
        var files = Directory.GetFiles(Path.Combine(TestData.RequireCorpus(), "voorbeeld", "formats"));

        Assert.Equal(72, files.Length);
        foreach (var file in files)
        {
            var result = Read(file);
            Assert.All(result.Problems, p => Assert.Contains(p.Code, new[] { "unreadable", "unsupported-type" }));
            Assert.DoesNotContain(result.Persons, p => !p.IsUnnamed);
        }
    }

    [SkippableFact]
    public void Every_fuzz_file_returns_a_result_without_hanging()
    {
        var files = Directory.GetFiles(Path.Combine(TestData.RequireCorpus(), "fuzz"));
        Assert.NotEmpty(files);
        var reader = new TagReader();
        foreach (var file in files)
        {
            // A hang guard, not a speed measurement: every file must come back within 2 s.
            var read = Task.Run(() =>
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 16 * 1024);
                return reader.Read(stream, Path.GetFileName(file));
            });
            Assert.True(read.Wait(TimeSpan.FromSeconds(2)), $"{Path.GetFileName(file)} did not return within 2 s");
            Assert.NotEmpty(read.Result.Problems); // every fuzz file is broken or unsupported, and named .fuzzed
        }
    }
}
