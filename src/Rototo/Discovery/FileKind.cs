using System.Runtime.InteropServices;

namespace Rototo.Discovery;

/// <summary>What a directory entry is. Workspace files are read only when they are regular files: reading a FIFO waits for a writer, reading a device may never end.</summary>
internal enum FileKind
{
    /// <summary>Nothing at that path (or it cannot be examined).</summary>
    Missing,

    /// <summary>A regular file.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link (only when links are not followed).</summary>
    SymbolicLink,

    /// <summary>A FIFO (named pipe).</summary>
    Fifo,

    /// <summary>A character device.</summary>
    CharacterDevice,

    /// <summary>A block device.</summary>
    BlockDevice,

    /// <summary>A Unix domain socket.</summary>
    Socket,

    /// <summary>Any other special file.</summary>
    Other,
}

/// <summary>
/// The file type of a path, from <c>stat</c>/<c>lstat</c>. .NET's <see cref="FileSystemInfo"/> reports a FIFO, a
/// device or a socket as an ordinary empty file, so on Unix the type comes from the runtime's own native shim
/// (<c>SystemNative_Stat</c>/<c>SystemNative_LStat</c> in <c>libSystem.Native</c>, which the BCL uses for the same
/// purpose and whose leading fields, flags then mode with portable <c>S_IF*</c> values, are the same on every Unix).
/// On Windows, and should the shim be missing, <see cref="FileSystemInfo"/> decides (no special files there).
/// </summary>
internal static partial class FileKinds
{
    private const int TypeMask = 0xF000;

    /// <summary>The type of <paramref name="path"/>.</summary>
    /// <param name="path">The path.</param>
    /// <param name="followLinks">Follow a final symbolic link (<c>stat</c>) or report it (<c>lstat</c>).</param>
    /// <returns>Its kind; <see cref="FileKind.Missing"/> when it does not exist.</returns>
    public static FileKind Of(string path, bool followLinks)
    {
        if (!OperatingSystem.IsWindows())
        {
            try
            {
                var status = default(NativeStatus);
                var result = followLinks ? Stat(path, ref status) : LStat(path, ref status);
                return result != 0 ? FileKind.Missing : (status.Mode & TypeMask) switch
                {
                    0x1000 => FileKind.Fifo,
                    0x2000 => FileKind.CharacterDevice,
                    0x4000 => FileKind.Directory,
                    0x6000 => FileKind.BlockDevice,
                    0x8000 => FileKind.Regular,
                    0xA000 => FileKind.SymbolicLink,
                    0xC000 => FileKind.Socket,
                    _ => FileKind.Other,
                };
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // Fall through to what the BCL can tell.
            }
        }
        FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
        if (!followLinks && info.LinkTarget is not null)
        {
            return FileKind.SymbolicLink;
        }
        return info switch
        {
            DirectoryInfo => FileKind.Directory,
            { Exists: true } => FileKind.Regular,
            _ => FileKind.Missing,
        };
    }

    /// <summary>Words for a kind that is not a file or directory, for messages: <c>a FIFO</c>, <c>a character device</c>.</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Fifo => "a FIFO",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        FileKind.Other => "a special file",
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.Directory => "a directory",
        FileKind.Missing => "missing",
        _ => "a regular file",
    };

    /// <summary>The leading fields of the shim's <c>FileStatus</c>, padded well past its size (the shim writes the whole structure).</summary>
    [StructLayout(LayoutKind.Sequential, Size = 512)]
    private struct NativeStatus
    {
        public int Flags;
        public int Mode;
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, ref NativeStatus status);

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_LStat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LStat(string path, ref NativeStatus status);
}
