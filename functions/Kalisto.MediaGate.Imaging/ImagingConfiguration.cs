using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Memory;

namespace Kalisto.MediaGate.Imaging;

/// <summary>
/// The one ImageSharp <see cref="Configuration"/> of the process (SPEC §6, pixel work runs with memory
/// limits): a pooling allocator that refuses any single image buffer above
/// <see cref="AllocationLimitMegabytes"/> and keeps at most <see cref="MaximumPoolSizeMegabytes"/> pooled
/// between images. Built once: ImageSharp's allocators are expensive and meant to be process-wide.
/// </summary>
internal static class ImagingConfiguration
{
    /// <summary>
    /// Largest single (discontiguous) buffer: a 64-megapixel image at 4 bytes a pixel. Larger requests
    /// throw <see cref="InvalidMemoryOperationException"/>, which the callers turn into <c>too-large</c>.
    /// </summary>
    public const int AllocationLimitMegabytes = 256;

    /// <summary>Memory kept pooled for the next image; the rest is given back to the runtime.</summary>
    public const int MaximumPoolSizeMegabytes = 64;

    public static Configuration Shared { get; } = Create();

    private static Configuration Create()
    {
        var configuration = Configuration.Default.Clone();
        configuration.MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
        {
            AllocationLimitMegabytes = AllocationLimitMegabytes,
            MaximumPoolSizeMegabytes = MaximumPoolSizeMegabytes,
        });
        return configuration;
    }
}
