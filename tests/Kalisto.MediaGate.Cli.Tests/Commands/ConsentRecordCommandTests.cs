using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Cli.Tests.Commands;

/// <summary><c>mediagate consent show</c> and <c>consent history</c> against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ConsentRecordCommandTests : IDisposable
{
    private const string Header = "school,subject_id,kind,display_name,channels,valid_from,valid_until,withdrawn_on,evidence\n";

    private readonly string _storage;
    private readonly string _folder = Directory.CreateTempSubdirectory("mediagate-consent-").FullName;

    public ConsentRecordCommandTests(Azurite azurite)
    {
        _storage = azurite.ConnectionString;
        StorageAccount.Empty(_storage);
    }

    [Fact]
    public void Show_prints_every_field_of_the_record_and_its_version()
    {
        Import("de-wilg,LL-5001,pupil,Fenna Smit,website;newsletter,2026-08-01,2027-07-31,,form-1\n");
        DemoAccount.Run("consent", "withdraw", "de-wilg", "LL-5001", "--on", "2026-11-20", "--storage", _storage);

        var json = DemoAccount.Run("consent", "show", "De-Wilg", " ll-5001 ", "--storage", _storage, "--json");
        var table = DemoAccount.Run("consent", "show", "de-wilg", "LL-5001", "--storage", _storage);

        var record = Assert.Single(StorageAccount.Lines(json.Out));
        Assert.Equal("de-wilg", record.GetProperty("school").GetString());
        Assert.Equal("LL-5001", record.GetProperty("subjectId").GetString());
        Assert.Equal("pupil", record.GetProperty("kind").GetString());
        Assert.Equal("Fenna Smit", record.GetProperty("displayName").GetString());
        Assert.Equal(["newsletter", "website"], record.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("2026-08-01", record.GetProperty("validFrom").GetString());
        Assert.Equal("2027-07-31", record.GetProperty("validUntil").GetString());
        Assert.Equal("2026-11-20", record.GetProperty("withdrawnOn").GetString());
        Assert.Equal("form-1", record.GetProperty("evidence").GetString());
        Assert.Equal(2, record.GetProperty("version").GetInt64());
        Assert.Contains("display_name", table.Console, StringComparison.Ordinal);
        Assert.Contains("newsletter;website", table.Console, StringComparison.Ordinal);
        Assert.Contains("2026-11-20", table.Console, StringComparison.Ordinal);
    }

    [Fact]
    public void History_lists_every_change_oldest_first_with_who_when_and_old_and_new()
    {
        Import("de-wilg,LL-5001,pupil,Fenna Smit,website,2026-08-01,2027-07-31,,form-1\n");
        DemoAccount.Run("consent", "withdraw", "de-wilg", "LL-5001", "--on", "2026-11-20", "--storage", _storage);
        Import("de-wilg,LL-5001,pupil,Fenna Smit,website;newsletter,2026-08-01,2027-07-31,,form-2\n");

        var json = DemoAccount.Run("consent", "history", "de-wilg", "LL-5001", "--storage", _storage, "--json");
        var table = DemoAccount.Run("consent", "history", "de-wilg", "LL-5001", "--storage", _storage);

        var changes = StorageAccount.Lines(json.Out);
        Assert.Equal([1, 2, 3], changes.Select(c => c.GetProperty("version").GetInt64()));
        Assert.False(changes[0].TryGetProperty("old", out _)); // added: there was no record before
        Assert.Equal("LL-5001", changes[0].GetProperty("new").GetProperty("subjectId").GetString());
        Assert.Contains("consent.csv", changes[0].GetProperty("changedBy").GetString(), StringComparison.Ordinal);
        Assert.Contains("consent withdraw", changes[1].GetProperty("changedBy").GetString(), StringComparison.Ordinal);
        var withdrawal = Assert.Single(changes[1].GetProperty("changes").EnumerateArray());
        Assert.Equal("withdrawn_on", withdrawal.GetProperty("field").GetString());
        Assert.Equal(string.Empty, withdrawal.GetProperty("old").GetString());
        Assert.Equal("2026-11-20", withdrawal.GetProperty("new").GetString());
        Assert.Equal(["channels", "withdrawn_on", "evidence"], changes[2].GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("field").GetString()));
        Assert.Equal("2026-11-20", changes[2].GetProperty("old").GetProperty("withdrawnOn").GetString());
        Assert.False(changes[2].GetProperty("new").TryGetProperty("withdrawnOn", out _)); // lifted by a new form
        Assert.All(changes, c => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", c.GetProperty("changedAt").GetString()));
        Assert.Contains("withdrawn_on: (none) → 2026-11-20", table.Console, StringComparison.Ordinal);
        Assert.Contains("evidence: form-1 → form-2", table.Console, StringComparison.Ordinal);
        Assert.Contains("3 change(s).", table.Console, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("show")]
    [InlineData("history")]
    public void A_subject_without_a_record_or_an_unknown_school_is_a_usage_error(string command)
    {
        Import("de-wilg,LL-5001,pupil,Fenna Smit,website,2026-08-01,2027-07-31,,form-1\n");

        var subject = CommandLineRun.Of("consent", command, "de-wilg", "LL-4040", "--storage", _storage, "--json");
        var school = CommandLineRun.Of("consent", command, "de-eik", "LL-5001", "--storage", _storage);

        Assert.Equal(2, subject.ExitCode);
        Assert.Equal($"mediagate consent {command}: de-wilg has no consent record for LL-4040", subject.Error.Trim());
        Assert.Equal(string.Empty, subject.Out);
        Assert.Equal(2, school.ExitCode);
        Assert.Contains("no school 'de-eik' in the register; the schools are de-wilg", school.Error, StringComparison.Ordinal);
        var notAnId = CommandLineRun.Of("consent", command, "de-wilg", "LL/5001", "--storage", _storage);
        Assert.Equal(2, notAnId.ExitCode);
        Assert.Contains("'LL/5001' is not a subject ID", notAnId.Error, StringComparison.Ordinal);
        var notACode = CommandLineRun.Of("consent", command, "de wilg/x", "LL-5001", "--storage", _storage);
        Assert.Equal(2, notACode.ExitCode);
        Assert.Contains("no school 'de wilg/x'", notACode.Error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private void Import(string rows)
    {
        var csv = Path.Combine(_folder, "consent.csv");
        File.WriteAllText(csv, Header + rows);
        DemoAccount.Run("consent", "import", csv, "--storage", _storage);
    }
}
