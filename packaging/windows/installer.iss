; Inno Setup script for 书记工作台 on Windows 10/11. `python3 dev.py build` runs it when iscc is on PATH,
; passing /DAppVersion=<the version in pyproject.toml>.
; Installs per user without administrator rights; the uninstaller leaves the user's data directory alone.

#ifndef AppVersion
  #error AppVersion must be given: iscc /DAppVersion=0.1.0 installer.iss
#endif

[Setup]
AppId={{6C1D3D8E-4B7A-4E2B-9E53-9F3E1C0A7B21}
AppName=书记工作台
AppVersion={#AppVersion}
AppPublisher=书记工作台开发组
DefaultDirName={localappdata}\Programs\ShujiWorkbench
DefaultGroupName=书记工作台
PrivilegesRequired=lowest
OutputDir=..\..\dist
OutputBaseFilename=书记工作台-{#AppVersion}-安装程序
SetupIconFile=..\..\resources\icons\app.ico
UninstallDisplayIcon={app}\desktop-app.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "在桌面创建快捷方式"; GroupDescription: "附加快捷方式:"; Flags: unchecked

[Files]
; What the spec kept: its exclusions (unused Qt plugins, modules and translations) apply on Windows too. Listed
; again here: Qt's software OpenGL, which a bundle made by an older spec still carries, debug symbols and caches.
Source: "..\..\dist\desktop-app\*"; DestDir: "{app}"; Excludes: "opengl32sw.dll,*.pdb,__pycache__"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\书记工作台"; Filename: "{app}\desktop-app.exe"
Name: "{group}\卸载书记工作台"; Filename: "{uninstallexe}"
Name: "{userdesktop}\书记工作台"; Filename: "{app}\desktop-app.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\desktop-app.exe"; Description: "启动书记工作台"; Flags: nowait postinstall skipifsilent

; The data directory (%LOCALAPPDATA%\desktop_app) is not listed here, so the uninstaller keeps it.
