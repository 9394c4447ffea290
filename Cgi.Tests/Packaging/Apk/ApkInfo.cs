namespace Dockerman.Tests.Packaging.Apk;

/// <summary>
/// The package info object of apk-tools 3 (src/apk_adb.h ADBI_PI_*, doc/apk-package.5): the part
/// of a package that an index copies. Field numbers are the schema's; no other field may be set.
/// </summary>
public sealed record ApkInfo(
    string Name,
    string Version,
    byte[] Hashes,
    string Description,
    string Arch,
    string License,
    string Origin,
    ulong BuildTime,
    ulong InstalledSize,
    ulong? FileSize,
    IReadOnlyList<string> Depends)
{
    public const int FieldName = 1;
    public const int FieldVersion = 2;
    public const int FieldHashes = 3;
    public const int FieldDescription = 4;
    public const int FieldArch = 5;
    public const int FieldLicense = 6;
    public const int FieldOrigin = 7;
    public const int FieldBuildTime = 11;
    public const int FieldInstalledSize = 12;
    public const int FieldFileSize = 13;
    public const int FieldDepends = 15;
    private const int DependencyName = 1;

    private static readonly int[] Known =
        [FieldName, FieldVersion, FieldHashes, FieldDescription, FieldArch, FieldLicense, FieldOrigin, FieldBuildTime, FieldInstalledSize,
         FieldFileSize, FieldDepends];

    public static ApkInfo Read(AdbObject o)
    {
        for (int field = 1; field < o.SlotCount; field++)
        {
            if (!o[field].IsNull && !Known.Contains(field))
            {
                throw new InvalidDataException($"package info sets field {field}, which this package never writes");
            }
        }

        var depends = o[FieldDepends].AsArray().Select(d =>
        {
            AdbObject dep = d.AsObject();
            if (dep.SlotCount != DependencyName + 1)
            {
                throw new InvalidDataException("a dependency with a version or match: dockerman's are names only");
            }

            return dep[DependencyName].Text();
        }).ToList();
        return new ApkInfo(
            o[FieldName].Text(),
            o[FieldVersion].Text(),
            o[FieldHashes].Blob(),
            o[FieldDescription].Text(),
            o[FieldArch].Text(),
            o[FieldLicense].Text(),
            o[FieldOrigin].Text(),
            o[FieldBuildTime].Integer(),
            o[FieldInstalledSize].Integer(),
            o[FieldFileSize].IsNull ? null : o[FieldFileSize].Integer(),
            depends);
    }
}
