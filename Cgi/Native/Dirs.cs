using System.Runtime.InteropServices;

namespace Dockerman.Native;

/// <summary>
/// rmdir(2). System.IO's Directory.Delete, even when not recursive, brings its recursive walk
/// along (an enumeration of <c>(string, bool)</c> tuples), and that shared generic code makes ILC
/// keep the runtime type loader in the binary (about 180 KB).
/// </summary>
internal static partial class Dirs
{
    /// <summary>Removes an empty directory; false when it is not there, not empty or not ours to remove.</summary>
    public static bool Remove(string path) => rmdir(path) == 0;

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rmdir(string path);
}
