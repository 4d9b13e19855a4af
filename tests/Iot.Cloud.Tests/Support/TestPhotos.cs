using System.Buffers.Binary;
using System.IO.Compression;
using SkiaSharp;

namespace Iot.Cloud.Tests.Support;

/// <summary>
/// Real pictures for the photo tests, made here: a phone-sized camera JPEG over 6 MB, small JPEGs and PNGs with known
/// colours, EXIF orientation, and PNG headers that announce more pixels than any phone photo (decompression bombs).
/// Shared with the browser tests (linked into Iot.Browser.Tests).
/// </summary>
public static class TestPhotos
{
    private static readonly Lazy<byte[]> Camera = new(MakeCameraPhoto);

    /// <summary>A 4000 × 3000 JPEG of 6 to 12 MB, as a phone camera makes (fine detail everywhere, high quality).</summary>
    public static byte[] CameraPhoto => Camera.Value;

    /// <summary>Writes <see cref="CameraPhoto"/> to a file (for a browser's file chooser) and returns its path.</summary>
    public static string CameraPhotoFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "iot-camera-photo-6mb.jpg");
        if (!File.Exists(path) || new FileInfo(path).Length != CameraPhoto.Length)
        {
            File.WriteAllBytes(path, CameraPhoto);
        }

        return path;
    }

    /// <summary>A JPEG whose left half is red and right half blue.</summary>
    public static byte[] RedLeftBlueRight(int width, int height, SKEncodedImageFormat format = SKEncodedImageFormat.Jpeg)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            using var red = new SKPaint { Color = SKColors.Red };
            using var blue = new SKPaint { Color = SKColors.Blue };
            canvas.DrawRect(0, 0, width / 2f, height, red);
            canvas.DrawRect(width / 2f, 0, width / 2f, height, blue);
        }

        using var image = SKImage.FromBitmap(bitmap);
        return image.Encode(format, 95).ToArray();
    }

    /// <summary>A fully transparent PNG.</summary>
    public static byte[] TransparentPng(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        bitmap.Erase(SKColors.Transparent);
        using var image = SKImage.FromBitmap(bitmap);
        return image.Encode(SKEncodedImageFormat.Png, 100).ToArray();
    }

    /// <summary>
    /// <paramref name="jpeg"/> with an EXIF block saying how the camera was held (6: turn 90° clockwise to view), as
    /// phones write it. Inserted right after the start-of-image marker.
    /// </summary>
    public static byte[] WithOrientation(byte[] jpeg, ushort orientation)
    {
        // APP1 "Exif\0\0", big-endian TIFF header, one IFD with one SHORT entry (0x0112 Orientation), no next IFD.
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8,
            0, 1,
            0x01, 0x12, 0, 3, 0, 0, 0, 1, (byte)(orientation >> 8), (byte)orientation, 0, 0,
            0, 0, 0, 0,
        ];
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    /// <summary>
    /// A small PNG file that announces <paramref name="width"/> × <paramref name="height"/> grey pixels: a few hundred
    /// bytes that would take gigabytes to decode.
    /// </summary>
    public static byte[] PngBomb(int width, int height)
    {
        using var file = new MemoryStream();
        file.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 0; // greyscale
        Chunk(file, "IHDR", header);

        // The first rows of zeros, compressed: the rest "is coming".
        using var rows = new MemoryStream();
        using (var zlib = new ZLibStream(rows, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(new byte[(width + 1) * 4]);
        }

        Chunk(file, "IDAT", rows.ToArray());
        Chunk(file, "IEND", []);
        return file.ToArray();
    }

    private static void Chunk(Stream file, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        file.Write(length);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        file.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        file.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    // A smooth scene with grain, as a camera sees it; the grain is raised until the JPEG is over 6 MB.
    private static byte[] MakeCameraPhoto()
    {
        const int Width = 4000, Height = 3000;
        var random = new Random(22);
        for (var grain = 24; ; grain += 16)
        {
            using var bitmap = new SKBitmap(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul);
            var pixels = new byte[Width * Height * 4];
            for (var y = 0; y < Height; y++)
            {
                for (var x = 0; x < Width; x++)
                {
                    var i = ((y * Width) + x) * 4;
                    var noise = random.Next(-grain, grain + 1);
                    pixels[i] = (byte)Math.Clamp((x * 255 / Width) + noise, 0, 255);
                    pixels[i + 1] = (byte)Math.Clamp((y * 255 / Height) + noise, 0, 255);
                    pixels[i + 2] = (byte)Math.Clamp(128 + noise, 0, 255);
                    pixels[i + 3] = 255;
                }
            }

            System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
            using var image = SKImage.FromBitmap(bitmap);
            var jpeg = image.Encode(SKEncodedImageFormat.Jpeg, 95).ToArray();
            if (jpeg.Length is >= 6 * 1024 * 1024 and <= 20 * 1024 * 1024)
            {
                return jpeg;
            }

            if (jpeg.Length > 20 * 1024 * 1024 || grain > 200)
            {
                throw new InvalidOperationException($"the camera photo came out at {jpeg.Length} bytes");
            }
        }
    }
}
