namespace Kalisto.MediaGate.Access;

/// <summary>
/// What the API does, one value per kind of request. Each endpoint asks for exactly one; which roles have it
/// is <see cref="RolePermissions"/>.
/// </summary>
public enum Permission
{
    /// <summary>Put a photo, video or audio file into the school's upload area.</summary>
    UploadMedia,

    /// <summary>See the outcome and reasons (codes, no other pupils' data) of the uploads the caller made.</summary>
    ReadOwnUploads,

    /// <summary>See the school's approved items and the channels each may go on.</summary>
    ReadItems,

    /// <summary>Download the publishable copy of an approved item.</summary>
    DownloadApproved,

    /// <summary>See quarantined items with their reasons (subject IDs, never names).</summary>
    ReadQuarantine,

    /// <summary>Ask for items to be screened again (after consent changed).</summary>
    RequestRescreen,

    /// <summary>Read the consent register, names included.</summary>
    ReadRegister,

    /// <summary>Add or change one record of the register.</summary>
    ChangeConsent,

    /// <summary>Withdraw a subject's consent.</summary>
    WithdrawConsent,

    /// <summary>Import the register from a CSV file of the pupil administration.</summary>
    ImportConsent,

    /// <summary>Read the history of a record and the decisions of an item (who, when, which record).</summary>
    ReadHistory,

    /// <summary>Export the audit trail (every decision and the consent record it used).</summary>
    ExportAudit,

    /// <summary>See the foundation's list of schools and switch to any of them, not only the caller's own.</summary>
    ChooseSchool,
}
