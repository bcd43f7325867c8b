using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Screening;

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
        var tags = tagReader.Read(content, Path.GetFileName(path));
        var records = mediaPath.Problem is null ? await register.GetSchoolAsync(mediaPath.School, cancellationToken) : [];
        var decision = mediaPath.Problem is null
            ? rules.Decide(tags, records, now, redactor.CanRedact(tags.Format))
            : rules.Decide(mediaPath.DecidedOn(tags), [], now);
        return new ScreeningResult(mediaPath, tags, decision);
    }
}
