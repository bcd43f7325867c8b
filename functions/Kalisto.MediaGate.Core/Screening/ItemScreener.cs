using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Screening;

/// <summary>An item's path split into its school (the first segment) and the rest.</summary>
public sealed record MediaPath(string School, string RelativePath)
{
    /// <summary>Splits <c>school/folder/file.jpg</c> (forward or back slashes).</summary>
    public static MediaPath Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var normalised = path.Replace('\\', '/').TrimStart('/');
        var slash = normalised.IndexOf('/', StringComparison.Ordinal);
        return slash <= 0
            ? new MediaPath(string.Empty, normalised)
            : new MediaPath(normalised[..slash].ToLowerInvariant(), normalised[(slash + 1)..]);
    }

    public string FullPath => School.Length == 0 ? RelativePath : $"{School}/{RelativePath}";
}

/// <summary>The screening of one item: what was read, and what was decided.</summary>
public sealed record ScreeningResult(MediaPath Path, TagReadResult Tags, ScreeningDecision Decision);

/// <summary>
/// Screens one item: read tags, resolve subjects within the item's school, check consent, decide.
/// The one service that the command line and the Functions app both call.
/// </summary>
public sealed class ItemScreener(ITagReader tagReader, IConsentRegister register, DecisionRules rules, IImageRedactor redactor)
{
    /// <summary>
    /// Screens an item. A failure to read the register throws (the caller retries or stops); it never
    /// turns into a decision, so nothing is approved on an error.
    /// </summary>
    public async Task<ScreeningResult> ScreenAsync(string path, Stream content, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var mediaPath = MediaPath.Parse(path);
        var tags = tagReader.Read(content, Path.GetFileName(mediaPath.RelativePath));
        var records = mediaPath.School.Length == 0
            ? []
            : await register.GetSchoolAsync(mediaPath.School, cancellationToken);
        return new ScreeningResult(mediaPath, tags, rules.Decide(tags, records, now, redactor.CanRedact(tags.Format)));
    }
}
