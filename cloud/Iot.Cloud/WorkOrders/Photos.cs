namespace Iot.Cloud.WorkOrders;

/// <summary>
/// Photos from staff and residents: accepted only when their bytes are a JPEG or PNG (whatever the upload claims),
/// within a size limit; stored under a safe name and served with their real type.
/// </summary>
public static class Photos
{
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF];
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The most an upload may carry: one photo and the form around it.</summary>
    public const long MaxUploadBytes = WorkOrdersApi.MaxPhotoBytes + (64 * 1024);

    /// <summary>The server stops reading an upload beyond <see cref="MaxUploadBytes"/> (413) instead of buffering up to its own 30 MB limit.</summary>
    public static RouteHandlerBuilder TakesOnePhoto(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxUploadBytes)).WithFormOptions(multipartBodyLengthLimit: MaxUploadBytes);

    public static async Task<(byte[]? Content, string? ContentType, string? Problem)> ReadAsync(IFormFile? file, int maxBytes, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return (null, null, "no photo in the upload (form field 'photo')");
        }

        if (file.Length > maxBytes)
        {
            return (null, null, $"the photo is {file.Length / 1024} KiB; at most {maxBytes / 1024 / 1024} MiB are accepted");
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        var type = TypeOf(bytes);
        return type is null ? (null, null, "only JPEG and PNG photos are accepted") : (bytes, type, null);
    }

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
