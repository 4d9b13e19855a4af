using Iot.Cloud.Audit;
using Iot.Cloud.Data;

namespace Iot.Cloud.WorkOrders;

/// <summary>
/// Photos from staff and residents: accepted only when their bytes are a JPEG or PNG (whatever the upload claims),
/// reduced to an upright JPEG (<see cref="PhotoReducer"/>), stored under a safe name.
/// </summary>
public static class Photos
{
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF];
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The server stops reading an upload beyond <see cref="PhotoReducer.MaxUploadBytes"/> (413) instead of buffering up to its own 30 MB limit.</summary>
    public static RouteHandlerBuilder TakesOnePhoto(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(PhotoReducer.MaxUploadBytes)).WithFormOptions(multipartBodyLengthLimit: PhotoReducer.MaxUploadBytes);

    /// <summary>The uploaded photo reduced (<see cref="PhotoReducer"/>): a large phone photo is kept smaller, not refused.</summary>
    public static async Task<(ReducedPhoto? Photo, FormattableString? Problem)> ReadAsync(IFormFile? file, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return (null, $"no photo in the upload (form field 'photo')");
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, cancellationToken);
        var (reduced, refusal) = await PhotoReducer.ReduceAsync(buffer.ToArray(), cancellationToken);
        return reduced is null ? (null, Refusal(refusal!.Value)) : (reduced, null);
    }

    /// <summary>Attaches a reduced photo to an order, with its line in the order's history (saved by the caller).</summary>
    public static WorkOrderAttachment Attach(CloudDb db, long orderId, ReducedPhoto photo, string? fileName, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(photo);
        var attachment = new WorkOrderAttachment { WorkOrderId = orderId, At = now, By = by, ContentType = "image/jpeg", FileName = SafeName(fileName, "image/jpeg"), Content = photo.Jpeg };
        db.WorkOrderAttachments.Add(attachment);
        db.AuditLog.Add(AuditEntry.Of(now, by, "workOrder", orderId.ToString(System.Globalization.CultureInfo.InvariantCulture), "photo",
            $"{attachment.FileName} ({photo.Width}×{photo.Height}, {photo.Jpeg.Length} bytes)"));
        return attachment;
    }

    /// <summary>Why a photo was not taken, for the API.</summary>
    public static FormattableString Refusal(PhotoRefusal refusal) => refusal switch
    {
        PhotoRefusal.NotAPicture => $"only JPEG and PNG photos are accepted",
        PhotoRefusal.TooManyPixels => $"the picture has too many pixels to open (at most {PhotoReducer.MaxDecodedPixels / 1_000_000} million are decoded)",
        PhotoRefusal.Damaged => $"the picture is damaged and cannot be opened",
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, "no words for this refusal"),
    };

    /// <summary>The image type by its first bytes, or null.</summary>
    public static string? TypeOf(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith(Jpeg) ? "image/jpeg" : bytes.StartsWith(Png) ? "image/png" : null;

    /// <summary>A file name safe to send back: letters, digits, dot, dash; the extension from the real type.</summary>
    public static string SafeName(string? name, string type)
    {
        var stem = new string((Path.GetFileNameWithoutExtension(name) ?? "photo").Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_').Take(40).ToArray());
        return $"{(stem.Length == 0 ? "photo" : stem)}{(type == "image/png" ? ".png" : ".jpg")}";
    }
}
