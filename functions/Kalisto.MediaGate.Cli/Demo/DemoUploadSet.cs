using System.Text;

namespace Kalisto.MediaGate.Cli.Demo;

/// <summary>
/// A small, realistic upload set for two schools and its consent register, built from two tiny
/// embedded media files. It is meant to be screened at <see cref="ScreeningDate"/>, where every
/// item shows one outcome of SPEC §5.
/// </summary>
internal static class DemoUploadSet
{
    /// <summary>The date the demo register is written for: validity windows and withdrawals are relative to it.</summary>
    public static readonly DateOnly ScreeningDate = new(2026, 11, 27);

    private const string ConsentHeader = "school,subject_id,kind,display_name,channels,valid_from,valid_until,withdrawn_on,evidence";
    private const string AllChannels = "schoolguide;newsletter;website;socialmedia;parentportal";
    private const string SchoolYearStart = "2026-08-01";
    private const string SchoolYearEnd = "2027-07-31";

    private static readonly string[] ConsentRows =
    [
        $"de-wilg,LL-1001,pupil,Emma de Vries,{AllChannels},{SchoolYearStart},{SchoolYearEnd},,form-2026-001",
        $"de-wilg,LL-1002,pupil,Noah Bakker,{AllChannels},{SchoolYearStart},{SchoolYearEnd},,form-2026-002",
        $"de-wilg,LL-1003,pupil,Lotte Visser,website;newsletter,{SchoolYearStart},{SchoolYearEnd},2026-10-15,form-2026-003",
        $"de-wilg,LL-1004,pupil,Sem de Jong,{AllChannels},2025-08-01,2026-07-31,,form-2025-004",
        $"de-wilg,MW-2001,staff,Sanne Jansen,website;parentportal,{SchoolYearStart},{SchoolYearEnd},,form-2026-005",
        $"het-anker,LL-2001,pupil,Fleur Mulder,{AllChannels},{SchoolYearStart},{SchoolYearEnd},,form-2026-006",
        $"het-anker,LL-2002,pupil,Daan de Boer,website;newsletter;parentportal,{SchoolYearStart},{SchoolYearEnd},,form-2026-007",
    ];

    /// <summary>Writes a small realistic upload set under `uploadsRoot` (first folder level = school) and its consent CSV.</summary>
    public static void Write(string uploadsRoot, string consentCsvPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uploadsRoot);
        ArgumentException.ThrowIfNullOrWhiteSpace(consentCsvPath);

        var jpeg = Resource("base.jpg");
        var mp4 = Resource("base.mp4");
        foreach (var (path, content) in Items(jpeg, mp4))
        {
            var full = Path.Combine(uploadsRoot, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, content);
        }

        var csvFolder = Path.GetDirectoryName(Path.GetFullPath(consentCsvPath));
        if (!string.IsNullOrEmpty(csvFolder))
        {
            Directory.CreateDirectory(csvFolder);
        }

        var csv = new StringBuilder().Append(ConsentHeader).Append('\n');
        foreach (var row in ConsentRows)
        {
            csv.Append(row).Append('\n');
        }

        File.WriteAllText(consentCsvPath, csv.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    private static IEnumerable<(string Path, byte[] Content)> Items(byte[] jpeg, byte[] mp4)
    {
        // Approved: a person by display name and a subject ID, both with consent.
        yield return ("de-wilg/sportdag/estafette.jpg", DemoJpeg.Tag(jpeg, new DemoXmp
        {
            PersonsInImage = ["Emma de Vries"],
            Subjects = ["LL-1002"],
        }));

        // Quarantined, consent-withdrawn: the second face is LL-1003.
        yield return ("de-wilg/sportdag/finish.jpg", DemoJpeg.Tag(jpeg, new DemoXmp
        {
            MwgFaces =
            [
                new DemoRegion("Noah Bakker", 0.3, 0.4, 0.2, 0.3),
                new DemoRegion("Lotte Visser", 0.7, 0.45, 0.18, 0.28),
            ],
        }));

        // Quarantined, consent-expired: LL-1004's consent ended with the previous school year.
        yield return ("de-wilg/groep8/klassenfoto.jpg", DemoJpeg.Tag(jpeg, iptcKeywords: ["LL-1001", "LL-1004"], xpKeywords: "groep8;LL-1002"));

        // Quarantined, untagged.
        yield return ("de-wilg/groep8/schoolplein.jpg", jpeg);

        // Approved: the no-people marker.
        yield return ("de-wilg/groep8/lege-gang.jpg", DemoJpeg.Tag(jpeg, new DemoXmp { Subjects = ["geen-personen"] }));

        // Approved for the channels both subjects allow: website and parentportal.
        yield return ("de-wilg/musical/uitvoering.mp4", DemoMp4.WithXmp(mp4, new DemoXmp { Subjects = ["LL-1001", "MW-2001"] }));

        // Quarantined, unreadable: a JPEG cut off inside its XMP segment.
        yield return ("de-wilg/musical/kapot.jpg", DemoJpeg.Tag(jpeg, new DemoXmp { Subjects = ["LL-1001"] })[..40]);

        // Approved: a hierarchical keyword and a Microsoft Photo face region.
        yield return ("het-anker/excursie/dierentuin.jpg", DemoJpeg.Tag(jpeg, new DemoXmp
        {
            HierarchicalSubjects = ["Leerlingen|Groep 5|LL-2001"],
            MicrosoftRegions = [new DemoRegion("Daan de Boer", 0.1, 0.2, 0.3, 0.4)],
        }));

        // Quarantined, unresolved-person: names resolve within the item's own school only.
        yield return ("het-anker/excursie/bus.jpg", DemoJpeg.Tag(jpeg, new DemoXmp { PersonsInImage = ["Emma de Vries"] }));

        // Quarantined, unknown-subject.
        yield return ("het-anker/excursie/onbekend.jpg", DemoJpeg.Tag(jpeg, new DemoXmp { Subjects = ["LL-9999"] }));
    }

    private static byte[] Resource(string name)
    {
        var logicalName = $"{typeof(DemoUploadSet).Namespace}.{name}";
        using var stream = typeof(DemoUploadSet).Assembly.GetManifestResourceStream(logicalName)
            ?? throw new InvalidOperationException($"the demo resource {logicalName} is missing");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
