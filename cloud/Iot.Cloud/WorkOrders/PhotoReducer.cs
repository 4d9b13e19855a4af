using SkiaSharp;

namespace Iot.Cloud.WorkOrders;

/// <summary>Why a photo could not be taken.</summary>
public enum PhotoRefusal
{
    /// <summary>The bytes are not a JPEG or PNG picture (whatever the file is called).</summary>
    NotAPicture,

    /// <summary>Opening it would take more memory than any phone photo needs: a decompression bomb, or a scan of a poster.</summary>
    TooManyPixels,

    /// <summary>It starts like a picture but does not decode.</summary>
    Damaged,
}

/// <summary>A photo as it is kept: an upright JPEG, its longest side at most <see cref="PhotoReducer.LongestSide"/>.</summary>
public sealed record ReducedPhoto(byte[] Jpeg, int Width, int Height);

/// <summary>
/// Takes a phone photo of any size a phone makes and keeps it small: decoded defensively (the size is read from the
/// header and checked before a pixel is decoded; JPEGs are decoded already scaled down), turned upright by its EXIF
/// orientation, reduced to <see cref="LongestSide"/> px and stored as JPEG. Re-encoding also drops the EXIF block,
/// and with it the place the photo was taken.
/// </summary>
public static class PhotoReducer
{
    /// <summary>The longest side of a kept photo: enough to see a fault, small enough for a poor mobile connection.</summary>
    public const int LongestSide = 1600;

    /// <summary>JPEG quality of a kept photo (the phone's script uses the same, 0.8).</summary>
    public const int Quality = 80;

    /// <summary>The most pixels decoded at once (about 100 MB of memory): a 48-megapixel JPEG is decoded at a quarter scale and fits, a PNG bomb does not.</summary>
    public const long MaxDecodedPixels = 24_000_000;

    /// <summary>
    /// The hard bound on one report upload (the photo and the form around it): above any phone camera's JPEG. The server
    /// stops reading beyond it; anything below it is reduced, not refused.
    /// </summary>
    public const int MaxUploadBytes = 25 * 1024 * 1024;

    /// <summary>Decoding takes CPU and memory: two at a time, whatever the number of residents sending.</summary>
    private static readonly SemaphoreSlim Decoders = new(2);

    /// <summary>Reduces <paramref name="bytes"/> to a kept photo, or says why it cannot.</summary>
    public static async Task<(ReducedPhoto? Photo, PhotoRefusal? Refusal)> ReduceAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (Photos.TypeOf(bytes) is null)
        {
            return (null, PhotoRefusal.NotAPicture);
        }

        await Decoders.WaitAsync(cancellationToken);
        try
        {
            return Reduce(bytes);
        }
        finally
        {
            Decoders.Release();
        }
    }

    private static (ReducedPhoto?, PhotoRefusal?) Reduce(byte[] bytes)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null || codec.Info.Width <= 0 || codec.Info.Height <= 0)
        {
            return (null, PhotoRefusal.NotAPicture);
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        var scale = Math.Min(1f, (float)LongestSide / Math.Max(width, height));
        var (targetWidth, targetHeight) = (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));

        // JPEG decodes directly at 1/2, 1/4 or 1/8 of its size; use the smallest that still covers the target.
        var scaled = codec.GetScaledDimensions(scale);
        var decode = scaled.Width >= targetWidth && scaled.Height >= targetHeight ? scaled : new SKSizeI(width, height);
        if ((long)decode.Width * decode.Height > MaxDecodedPixels)
        {
            return (null, PhotoRefusal.TooManyPixels);
        }

        var info = new SKImageInfo(decode.Width, decode.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var decoded = new SKBitmap(info);
        if (codec.GetPixels(info, decoded.GetPixels()) != SKCodecResult.Success)
        {
            return (null, PhotoRefusal.Damaged);
        }

        using var reduced = decode.Width == targetWidth && decode.Height == targetHeight
            ? decoded.Copy()
            : decoded.Resize(new SKImageInfo(targetWidth, targetHeight, SKColorType.Rgba8888, SKAlphaType.Premul), new SKSamplingOptions(SKCubicResampler.Mitchell));
        if (reduced is null)
        {
            return (null, PhotoRefusal.Damaged);
        }

        using var upright = Upright(reduced, codec.EncodedOrigin);
        using var image = SKImage.FromBitmap(upright);
        using var jpeg = image.Encode(SKEncodedImageFormat.Jpeg, Quality);
        return (new ReducedPhoto(jpeg.ToArray(), upright.Width, upright.Height), null);
    }

    // Phones store a photo as the sensor saw it and say in EXIF how to turn it; the kept JPEG has no EXIF, so it is
    // turned here. Drawn on white: a JPEG has no transparency, and a PNG's transparent parts would turn black.
    private static SKBitmap Upright(SKBitmap source, SKEncodedOrigin origin)
    {
        var (w, h) = (source.Width, source.Height);
        var turned = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var result = new SKBitmap(turned ? h : w, turned ? w : h, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var canvas = new SKCanvas(result);
        canvas.Clear(SKColors.White);

        // Each matrix maps a source pixel (x, y) to where it belongs: x' = a·x + b·y + c, y' = d·x + e·y + f.
        canvas.SetMatrix(origin switch
        {
            SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
            SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
            SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
            _ => SKMatrix.Identity,
        });
        canvas.DrawBitmap(source, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest), null);
        return result;
    }
}
