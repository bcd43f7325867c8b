using System.ComponentModel.DataAnnotations;

namespace Kalisto.MediaGate.Storage;

/// <summary>Names of the containers, tables and queues (SPEC §8), bound from <c>MediaGate:Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "MediaGate:Storage";

    [Required, RegularExpression(ContainerName)]
    public string UploadsContainer { get; set; } = "uploads";

    [Required, RegularExpression(ContainerName)]
    public string ApprovedContainer { get; set; } = "approved";

    [Required, RegularExpression(ContainerName)]
    public string QuarantineContainer { get; set; } = "quarantine";

    /// <summary>The web app's previews of items: <c>{school}/{item ID}.jpg</c>, each marked with the decision it shows.</summary>
    [Required, RegularExpression(ContainerName)]
    public string PreviewsContainer { get; set; } = "previews";

    /// <summary>
    /// The consent register: PartitionKey school, RowKey subject; in the same partition a history row for
    /// every change (who, when, old and new value) and an outbox row per re-screen owed.
    /// </summary>
    [Required, RegularExpression(TableName)]
    public string ConsentTable { get; set; } = "consent";


    /// <summary>
    /// Items, partitioned by school: each item's state row, its decisions (the audit trail, one row per
    /// decision, never updated in place) and the subject → item index (SPEC §7), so a decision and the state
    /// it leads to are written in one transaction.
    /// </summary>
    [Required, RegularExpression(TableName)]
    public string ItemsTable { get; set; } = "items";


    [Required, RegularExpression(TableName)]
    public string RunsTable { get; set; } = "runs";

    /// <summary>
    /// Who was given which upload (the server's record; blob metadata is set by the client), partitioned by
    /// school: the current grant of each upload name, every grant of a name, and every grant of a user.
    /// </summary>
    [Required, RegularExpression(TableName)]
    public string UploadGrantsTable { get; set; } = "uploadgrants";

    /// <summary>How long an upload URL may be used, in minutes: every request of the upload must be made before then.</summary>
    [Range(1, 24 * 60)]
    public int UploadGrantMinutes { get; set; } = 15;

    /// <summary>
    /// From what size (bytes) an upload is sent in blocks of <see cref="Pipeline.UploadGrants.BlockBytes"/> (a network
    /// hiccup then costs one block, not the whole video); 0: never. Smaller files go up in one PUT.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long UploadBlocksFromBytes { get; set; } = 64L * 1024 * 1024;

    [Required, RegularExpression(QueueName)]
    public string RedactQueue { get; set; } = "redact";

    [Required, RegularExpression(QueueName)]
    public string RescreenQueue { get; set; } = "rescreen";

    [Required, RegularExpression(QueueName)]
    public string PreviewsQueue { get; set; } = "previews";

    /// <summary>Read buffer for blob streams: the tag reader reads kilobytes, not the whole blob.</summary>
    [Range(4 * 1024, 4 * 1024 * 1024)]
    public int ReadBufferBytes { get; set; } = 64 * 1024;

    private const string ContainerName = "^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$";
    private const string TableName = "^[A-Za-z][A-Za-z0-9]{2,62}$";
    private const string QueueName = "^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$";
}
