using System.Text.Json;
using Kalisto.MediaGate.Storage.Tables;

namespace Kalisto.MediaGate.Storage.Lifecycle;

/// <summary>
/// A message on the <c>rescreen</c> queue: decide again every item in which a subject was found, after
/// its consent changed (<see cref="Cause"/> <c>consent-change</c>) or a date in its record passed
/// (<c>date</c>). Safe to deliver again: a decision is keyed by the transition it makes, not by the message.
/// </summary>
public sealed record RescreenRequest(string School, string SubjectId, string Cause)
{
    public const string ConsentChange = "consent-change";
    public const string DatePassed = "date";

    public static RescreenRequest Parse(string message) =>
        JsonSerializer.Deserialize<RescreenRequest>(message, ItemCatalog.Json) ?? throw new InvalidDataException("An empty re-screen request.");

    public string ToMessage() => JsonSerializer.Serialize(this, ItemCatalog.Json);
}
