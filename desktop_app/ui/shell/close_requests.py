"""The window system's close of a window that a modal dialog blocks (the title bar's ×, the taskbar's
关闭窗口) reaches the window's own close.

Qt drops such a request before any event is made of it: with a record form open, the main window's close
button did nothing, and the question about what is unsaved (ui.kit.unsaved, asked by the main window's
closeEvent) never came. This filter sees the platform's message first and calls the window's `close()`,
which Qt lets through; the window then asks 保存 / 不保存 / 取消 about every unsaved page and open form, as
it does when nothing blocks it. One filter for the application, whatever dialog is open.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from typing import ClassVar

from PySide6.QtCore import QAbstractNativeEventFilter, QByteArray, QTimer
from PySide6.QtGui import QNativeInterface
from PySide6.QtWidgets import QApplication, QWidget

XCB_EVENT = b"xcb_generic_event_t"
WINDOWS_EVENT = b"windows_generic_MSG"
XCB_CLIENT_MESSAGE = 33
SENT_EVENT_BIT = 0x80  # set on events another client sent (a window manager's close is one)
WM_CLOSE = 0x0010


class XcbClientMessage(ctypes.Structure):
    """xcb_client_message_event_t: a window manager's WM_DELETE_WINDOW arrives as one."""

    _fields_: ClassVar = [
        ("response_type", ctypes.c_uint8),
        ("format", ctypes.c_uint8),
        ("sequence", ctypes.c_uint16),
        ("window", ctypes.c_uint32),
        ("type", ctypes.c_uint32),
        ("data32", ctypes.c_uint32 * 5),
    ]


class WindowsMessage(ctypes.Structure):
    """The start of Windows' MSG: the window and the message number."""

    _fields_: ClassVar = [("hwnd", ctypes.c_void_p), ("message", ctypes.c_uint)]


class XcbAtomReply(ctypes.Structure):
    _fields_: ClassVar = [
        ("response_type", ctypes.c_uint8),
        ("pad0", ctypes.c_uint8),
        ("sequence", ctypes.c_uint16),
        ("length", ctypes.c_uint32),
        ("atom", ctypes.c_uint32),
    ]


def x11_atoms(names: tuple[str, ...]) -> tuple[int, ...] | None:
    """The X server's numbers for `names`, asked on the application's own connection; None off X11."""
    app = QApplication.instance()
    native = app.nativeInterface() if isinstance(app, QApplication) else None
    if not isinstance(native, QNativeInterface.QX11Application):
        return None
    library = ctypes.util.find_library("xcb")
    if library is None:
        return None
    xcb = ctypes.CDLL(library)
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    xcb.xcb_intern_atom.restype = ctypes.c_uint  # the cookie: a struct of one sequence number
    xcb.xcb_intern_atom.argtypes = [ctypes.c_void_p, ctypes.c_uint8, ctypes.c_uint16, ctypes.c_char_p]
    xcb.xcb_intern_atom_reply.restype = ctypes.POINTER(XcbAtomReply)
    xcb.xcb_intern_atom_reply.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_void_p]
    libc.free.argtypes = [ctypes.c_void_p]
    connection = native.connection()
    atoms = []
    for name in names:
        encoded = name.encode("ascii")
        reply = xcb.xcb_intern_atom_reply(connection, xcb.xcb_intern_atom(connection, 0, len(encoded), encoded), None)
        if not reply:
            return None
        atoms.append(reply.contents.atom)
        libc.free(reply)
    return tuple(atoms)


class BlockedCloseRequests(QAbstractNativeEventFilter):
    """Installed once for the application (`install`)."""

    def __init__(self) -> None:
        super().__init__()
        self._x11: tuple[int, ...] | None = None  # WM_PROTOCOLS, WM_DELETE_WINDOW, asked when first needed

    def nativeEventFilter(
        self,
        eventType: QByteArray | bytes | bytearray | memoryview,  # noqa: N803
        message: int,
    ) -> tuple[bool, int]:
        kind = bytes(eventType.data()) if isinstance(eventType, QByteArray) else bytes(eventType)
        window_id = self.close_request(kind, int(message))
        target = blocked_window(window_id) if window_id is not None else None
        if target is None:
            return False, 0  # not a close, or nothing blocks the window: Qt handles it as always
        QTimer.singleShot(0, target.close)  # out of the platform's event handling before anything is asked
        return True, 0

    def close_request(self, event_type: bytes, message: int) -> int | None:
        """The id of the window the platform asks to close, or None when the message is something else."""
        if not message:
            return None
        if event_type == XCB_EVENT:
            event = XcbClientMessage.from_address(message)
            if event.response_type & ~SENT_EVENT_BIT != XCB_CLIENT_MESSAGE or event.format != 32:
                return None
            if self._x11 is None:
                self._x11 = x11_atoms(("WM_PROTOCOLS", "WM_DELETE_WINDOW"))
            if self._x11 is None or (event.type, event.data32[0]) != self._x11:
                return None
            return int(event.window)
        if event_type == WINDOWS_EVENT:
            msg = WindowsMessage.from_address(message)
            return int(msg.hwnd or 0) if msg.message == WM_CLOSE else None
        return None


def blocked_window(window_id: int) -> QWidget | None:
    """The shown top-level window with this platform id, when a modal dialog above it blocks it."""
    modal = QApplication.activeModalWidget()
    if modal is None:
        return None
    for widget in QApplication.topLevelWidgets():
        shown = widget.isVisible() and widget is not modal and widget.windowHandle() is not None
        if shown and int(widget.winId()) == window_id:
            return widget
    return None


_installed: list[BlockedCloseRequests] = []  # the filter must live as long as the application


def install() -> None:
    """Install the filter on the running application, once."""
    app = QApplication.instance()
    if _installed or app is None:
        return
    _installed.append(BlockedCloseRequests())
    app.installNativeEventFilter(_installed[0])
