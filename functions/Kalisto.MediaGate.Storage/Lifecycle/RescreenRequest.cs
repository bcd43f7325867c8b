using System.Text.Json;
using Kalisto.MediaGate.Storage.Tables;

namespace Kalisto.MediaGate.Storage.Lifecycle;

/// <summary>
/// A message on the <c>rescreen</c> queue: decide again every item in which a subject was found, after
/// its consent changed (<see cref="Cause"/> <c>consent-change</c>) or a date in its record passed
/// (<c>date</c>). Safe to deliver again: every change is conditional on the item's state as it was read.
/// </summary>
public sealed record RescreenRequest(string School, string SubjectId, string Cause)
{
    public const string ConsentChange = "consent-change";
    public const string DatePassed = "date";

    /// <summary>
    /// This is the message's first delivery (not part of the message). Only then may items that already
    /// stand as decided, with their copies confirmed, be passed over: a delivery after a failure settles
    /// every item in full, so copies a crashed attempt left behind are found.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool FirstDelivery { get; init; }

    public static RescreenRequest Parse(string message) =>
        JsonSerializer.Deserialize<RescreenRequest>(message, ItemCatalog.Json) ?? throw new InvalidDataException("An empty re-screen request.");

    public string ToMessage() => JsonSerializer.Serialize(this, ItemCatalog.Json);
}
