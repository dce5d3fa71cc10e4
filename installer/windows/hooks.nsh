; Boxoffice counter: NSIS installer hooks (Tauri's `installerHooks`).
;
; After installing: %ProgramData%\Boxoffice holds what central IT deploys to
; every counter (the chain's provisioning public key, provisioning.pub). It is
; writable by Administrators and SYSTEM only and readable by users: the key is
; public, but no counter user may replace it with another chain's key.
; The counter's own data stays in the user's %APPDATA%\com.boxoffice.counter
; (Windows keeps a user's profile to that user), never in Program Files.

!macro NSIS_HOOK_POSTINSTALL
  CreateDirectory "$COMMONAPPDATA\Boxoffice"
  ; Owned by Administrators: a user who created the folder first must not
  ; keep the power to give themselves write access back.
  nsExec::ExecToLog 'icacls "$COMMONAPPDATA\Boxoffice" /setowner "*S-1-5-32-544" /T'
  nsExec::ExecToLog 'icacls "$COMMONAPPDATA\Boxoffice" /inheritance:r /grant:r "*S-1-5-32-544:(OI)(CI)F" "*S-1-5-18:(OI)(CI)F" "*S-1-5-32-545:(OI)(CI)RX"'
!macroend

!macro NSIS_HOOK_POSTUNINSTALL
  ; The counter's data and the deployed key are kept: unsynced sales and
  ; backups must never go with an uninstall.
!macroend
