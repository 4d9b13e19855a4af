using Iot.Cloud.WorkOrders;
using Iot.Cloud.Tests.Support;
using SkiaSharp;

namespace Iot.Cloud.Tests.Reports;

/// <summary>Residents' photos are reduced, not refused; what is not a usable picture is refused before it costs memory.</summary>
public sealed class PhotoReducerTests
{
    [Fact]
    public async Task A_6_MB_camera_photo_is_kept_as_a_1600_px_jpeg_of_well_under_a_megabyte()
    {
        Assert.InRange(TestPhotos.CameraPhoto.Length, 6 * 1024 * 1024, 20 * 1024 * 1024);
        var (photo, refusal) = await PhotoReducer.ReduceAsync(TestPhotos.CameraPhoto, CancellationToken.None);
        Assert.Null(refusal);
        Assert.Equal((1600, 1200), (photo!.Width, photo.Height));
        Assert.Equal("image/jpeg", Iot.Cloud.WorkOrders.Photos.TypeOf(photo.Jpeg));
        Assert.True(photo.Jpeg.Length < 1024 * 1024, $"{photo.Jpeg.Length} bytes");
        using var decoded = SKBitmap.Decode(photo.Jpeg);
        Assert.Equal(1600, decoded.Width);
    }

    [Fact]
    public async Task A_photo_taken_sideways_is_stored_upright()
    {
        // The camera saw red on the left, blue on the right, and says "turn 90° clockwise to view" (EXIF 6).
        var sideways = TestPhotos.WithOrientation(TestPhotos.RedLeftBlueRight(200, 100), 6);
        var (photo, _) = await PhotoReducer.ReduceAsync(sideways, CancellationToken.None);
        Assert.Equal((100, 200), (photo!.Width, photo.Height));
        using var upright = SKBitmap.Decode(photo.Jpeg);
        Assert.True(IsRed(upright.GetPixel(50, 20)), $"top is {upright.GetPixel(50, 20)}");
        Assert.True(IsBlue(upright.GetPixel(50, 180)), $"bottom is {upright.GetPixel(50, 180)}");
    }

    [Fact]
    public async Task A_small_png_is_kept_as_jpeg_and_transparency_becomes_white()
    {
        var (photo, _) = await PhotoReducer.ReduceAsync(TestPhotos.TransparentPng(40, 30), CancellationToken.None);
        Assert.Equal((40, 30), (photo!.Width, photo.Height));
        using var decoded = SKBitmap.Decode(photo.Jpeg);
        var pixel = decoded.GetPixel(20, 15);
        Assert.True(pixel.Red > 240 && pixel.Green > 240 && pixel.Blue > 240, pixel.ToString());
    }

    [Theory]
    [InlineData(30_000, 30_000)]
    [InlineData(6_000, 6_000)]
    [InlineData(5_000, 5_000)]
    public async Task A_png_announcing_more_pixels_than_a_phone_makes_is_refused_before_decoding(int width, int height)
    {
        var bomb = TestPhotos.PngBomb(width, height);
        Assert.True(bomb.Length < 2_000_000, $"{bomb.Length} bytes");
        var before = GC.GetTotalAllocatedBytes();
        var (photo, refusal) = await PhotoReducer.ReduceAsync(bomb, CancellationToken.None);
        Assert.Null(photo);
        Assert.Equal(PhotoRefusal.TooManyPixels, refusal);
        Assert.True(GC.GetTotalAllocatedBytes() - before < 50_000_000, "the refusal should not allocate the picture");
    }

    [Fact]
    public async Task Whatever_is_not_a_picture_is_refused_by_its_bytes()
    {
        var whole = TestPhotos.RedLeftBlueRight(400, 300);
        var truncated = whole[..(whole.Length / 2)];
        foreach (var (bytes, expected) in new[]
        {
            ("<html><script>alert(1)</script></html>"u8.ToArray(), PhotoRefusal.NotAPicture),
            ("GIF89a\x01\0\x01\0"u8.ToArray(), PhotoRefusal.NotAPicture),
            (new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3 }, PhotoRefusal.NotAPicture),
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], PhotoRefusal.NotAPicture),
            (truncated, PhotoRefusal.Damaged),
        })
        {
            var (photo, refusal) = await PhotoReducer.ReduceAsync(bytes, CancellationToken.None);
            Assert.Null(photo);
            Assert.Equal(expected, refusal);
        }
    }

    private static bool IsRed(SKColor c) => c.Red > 200 && c.Blue < 60;

    private static bool IsBlue(SKColor c) => c.Blue > 200 && c.Red < 60;
}
