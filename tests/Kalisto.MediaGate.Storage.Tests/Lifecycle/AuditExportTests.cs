using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Kalisto.MediaGate.Csv;
using Kalisto.MediaGate.Storage.Lifecycle;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Storage.Tests.Lifecycle;

[Collection(AzuriteCollection.Name)]
public sealed class AuditExportTests(Azurite azurite)
{
    private const string Path = "de-wilg/=HYPERLINK(1).jpg";

    [Fact]
    public async Task A_cell_that_would_be_a_formula_is_written_as_text_and_a_path_as_it_is()
    {
        // Subject IDs as a school may configure them, one that starts with '-' (a formula to a spreadsheet).
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage, settings: new Dictionary<string, string?>
        {
            ["MediaGate:Consent:SubjectIdPattern"] = @"^-?\d{4}$",
        });
        await services.GetRequiredService<ConsentChanges>().ImportAsync([Records.Valid("de-wilg", "-1001", "Emma de Vries")], "test", CancellationToken.None);
        await storage.Uploads.UploadAsync(Path, MediaBuilder.Jpeg(MediaBuilder.Xmp(MediaBuilder.DcSubject("-1001"))));
        Assert.NotNull(await Pipelines.ScreenAsync(services, storage, Path)); // decided once its faces are known

        var text = new StringWriter(CultureInfo.InvariantCulture);
        var count = await services.GetRequiredService<AuditExport>().WriteAsync(text, Pipelines.Now.AddDays(-1), Pipelines.Now.AddDays(1), "de-wilg", CancellationToken.None);

        Assert.Equal(1, count);
        var row = text.ToString().Split("\r\n")[1];
        // The path begins with its school, so a spreadsheet reads it as text: it is written as it is.
        Assert.Contains($",de-wilg,{Path},{FaceScanning.Trigger},", row, StringComparison.Ordinal);
        Assert.Contains(",\"'-1001\",", row, StringComparison.Ordinal); // subjects
        Assert.EndsWith(",\"'-1001@1\",0", row, StringComparison.Ordinal); // consent_versions, unidentified_faces (none)
        using var csv = new CsvReader(new StringReader(text.ToString()), new CsvConfiguration(CultureInfo.InvariantCulture));
        Assert.True(csv.Read() && csv.ReadHeader() && csv.Read());
        Assert.All(csv.Parser.Record!, cell => Assert.False(cell.Length > 0 && CsvCells.FormulaCharacters.Contains(cell[0]), cell));
        Assert.Equal((Path, "-1001", "-1001@1"), (CsvCells.Restore(csv.GetField("path")!), CsvCells.Restore(csv.GetField("subjects")!), CsvCells.Restore(csv.GetField("consent_versions")!)));
    }
}
