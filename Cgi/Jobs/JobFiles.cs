using System.Text;
using Dockerman.Native;

namespace Dockerman.Jobs;

/// <summary>
/// The file operations under the job store: whole-or-nothing writes, files only their owner can
/// read, room held for a later write, and the removal of a job's folder.
/// </summary>
internal static class JobFiles
{
    /// <summary>errno ENOSPC, as System.IO reports it in <see cref="Exception.HResult"/> on Linux.</summary>
    internal const int Enospc = 28;

    /// <summary>Writes beside the file and renames into place: readers see the old file or the new, whole.</summary>
    public static void WriteAtomically(string path, byte[] bytes)
    {
        string tmp = path + ".tmp";
        File.WriteAllBytes(tmp, bytes);
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>A new file (never an existing one) of mode 0600.</summary>
    public static void WriteSecret(string path, string text)
    {
        using var f = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        f.Write(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Bytes (spaces) that hold room in jobs_dir for a file written over them in place later.</summary>
    public static byte[] Reserve(int size)
    {
        byte[] bytes = new byte[size];
        bytes.AsSpan().Fill((byte)' ');
        return bytes;
    }

    /// <summary>Removes a job's folder, which holds only files. Not Directory.Delete: see <see cref="Dirs"/>.
    /// job.json goes last, and a file that appears meanwhile (a reader marking the job read) gets a
    /// second pass: a folder left without job.json would no longer be listed, so never removed.</summary>
    public static void RemoveJobFolder(string dir)
    {
        string meta = Path.Combine(dir, "job.json");
        for (int pass = 0; pass < 2 && Directory.Exists(dir); pass++)
        {
            foreach (string file in Directory.GetFiles(dir))
            {
                if (file != meta)
                {
                    File.Delete(file);
                }
            }

            File.Delete(meta);
            if (Dirs.Remove(dir))
            {
                return;
            }
        }
    }
}
