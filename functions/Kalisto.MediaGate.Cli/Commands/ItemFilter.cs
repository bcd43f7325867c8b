using System.CommandLine;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Web.Api;
using Microsoft.Extensions.Options;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// Which items a command works on (<c>--school</c>, <c>--state</c>, <c>--channel</c>, <c>--path</c>). A school
/// that is neither in the register nor has items, or a channel that is not configured, is a usage error
/// (exit 2) that lists the valid ones, never an empty answer that looks like "nothing there".
/// </summary>
internal sealed record ItemFilter(string? School, string? State, string? Channel, string? PathPrefix)
{
    public static Option<string?> SchoolOption(string description) => new("--school") { Description = description };

    /// <summary>A state outside <see cref="SchoolApi.States"/> is refused by the parser (exit 2), with the valid ones.</summary>
    public static Option<string?> StateOption()
    {
        var option = new Option<string?>("--state") { Description = $"Only the items in this state ({string.Join(", ", SchoolApi.States)})." };
        option.AcceptOnlyFromAmong([.. SchoolApi.States]);
        return option;
    }

    public static Option<string?> ChannelOption(string description) => new("--channel") { Description = description };

    public static Option<string?> PathOption() => new("--path") { Description = "Only the items whose path (school/folder/...) starts with this." };

    public static ItemFilter From(string? school, string? state, string? channel, string? path) => new(
        school is null ? null : ConsentFields.NormaliseSchool(school),
        state,
        channel?.Trim().ToLowerInvariant(),
        string.IsNullOrWhiteSpace(path) ? null : path.Trim().Replace('\\', '/').TrimStart('/'));

    /// <summary>The items of the filter, ordered by path; null after a usage error was printed (unknown school or channel).</summary>
    public async Task<IReadOnlyList<ItemState>?> ListAsync(string command, StorageSession session, CliConsole console, CancellationToken ct)
    {
        var channels = session.Get<IOptions<ConsentOptions>>().Value.ChannelSet();
        if (Channel is not null && !channels.Contains(Channel, StringComparer.Ordinal))
        {
            console.Error.WriteLine($"mediagate {command}: '{Channel}' is not a channel; the channels are {string.Join(", ", channels)}");
            return null;
        }

        var items = await session.Get<ItemCatalog>().ListAsync(School, ct);
        if (School is not null && items.Count == 0 && !await IsKnownSchoolAsync(command, School, session, console, ct))
        {
            return null;
        }

        return [.. items.Where(Matches)];
    }

    /// <summary>Whether the register has records for the school; prints a usage error with the known schools when not.</summary>
    public static async Task<bool> IsKnownSchoolAsync(string command, string school, StorageSession session, CliConsole console, CancellationToken ct)
    {
        var register = session.Get<TableConsentRegister>();
        if (ConsentFields.IsSchoolCode(school) && (await register.GetSchoolAsync(school, ct)).Count > 0)
        {
            return true;
        }

        var known = (await register.ExportAsync(ct)).Select(r => r.School).Distinct(StringComparer.Ordinal).ToList();
        console.Error.WriteLine(known.Count == 0
            ? $"mediagate {command}: no school '{school}': the register is empty"
            : $"mediagate {command}: no school '{school}' in the register; the schools are {string.Join(", ", known)}");
        return false;
    }

    private bool Matches(ItemState item) =>
        (State is null || item.StateName == State)
        && (Channel is null || item.Channels.Contains(Channel, StringComparer.Ordinal))
        && (PathPrefix is null || item.Location.StartsWith(PathPrefix, StringComparison.Ordinal));
}
