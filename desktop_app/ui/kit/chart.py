"""A small stacked bar chart drawn with QPainter: one bar a month, one colour a series."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_app.core.services.statistics import MonthlySeries

PALETTE = ("#c0392b", "#2e86c1", "#d68910", "#239b56", "#8e44ad", "#5d6d7e", "#b9770e", "#17a589")


class MonthlyChart(QWidget):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.data: MonthlySeries | None = None
        self.setMinimumSize(QSize(320, 200))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_data(self, data: MonthlySeries) -> None:
        self.data = data
        self.setToolTip(self._summary())
        self.fit_legend()
        self.update()

    def fit_legend(self) -> None:
        """Tall enough for the title, a line per series and the month labels, at the font in use (设置's 字号)."""
        lines = len(self.data.series) if self.data is not None else 0
        self.setMinimumHeight(max(200, math.ceil(self.fontMetrics().height() * (lines + 2.6))))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self.fit_legend()
        super().changeEvent(event)

    @staticmethod
    def label_rect(slot: QRectF, width: float) -> QRectF:
        """Where a month's label goes under its bar: centred on it, as wide as the text (a label wider than its
        slot, at a large 字号, spills over the unlabelled neighbours instead of being cut)."""
        wide = max(slot.width(), width + 2)
        return QRectF(slot.center().x() - wide / 2, slot.top(), wide, slot.height())

    def _summary(self) -> str:
        if self.data is None:
            return ""
        return "\n".join(f"{label}：共 {sum(counts)} 次" for label, counts in self.data.series.items())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = painter.fontMetrics()
        line = metrics.height()
        painter.drawText(QRectF(0, 0, self.width(), line), Qt.AlignmentFlag.AlignLeft, self.title)
        if self.data is None or not self.data.series:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "近 12 个月无记录")
            return
        labels = list(self.data.series)
        # Legend on the right, one line a series.
        legend_width = max(metrics.horizontalAdvance(label) for label in labels) + 24
        for index, label in enumerate(labels):
            y = line * (index + 1.4)
            painter.fillRect(QRectF(self.width() - legend_width, y + 3, 10, line - 6), QColor(PALETTE[index % 8]))
            painter.drawText(
                QRectF(self.width() - legend_width + 14, y, legend_width, line), Qt.AlignmentFlag.AlignLeft, label
            )
        months = self.data.months
        totals = [sum(self.data.series[label][i] for label in labels) for i in range(len(months))]
        top = max(totals) or 1
        left, bottom = metrics.horizontalAdvance(str(top)) + 8, self.height() - line - 4
        plot = QRectF(left, line * 1.5, self.width() - legend_width - left - 12, bottom - line * 1.5)
        painter.setPen(QPen(QColor("#888888")))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawText(QRectF(0, plot.top() - line / 2, left - 4, line), Qt.AlignmentFlag.AlignRight, str(top))
        painter.drawText(QRectF(0, plot.bottom() - line / 2, left - 4, line), Qt.AlignmentFlag.AlignRight, "0")
        slot = plot.width() / len(months)
        short = slot < metrics.horizontalAdvance("12月") + 6  # narrow: month numbers only
        # Narrower still: label every second (or third…) month, always the latest, so labels never touch.
        step = math.ceil((metrics.horizontalAdvance("12") + 6) / slot) if short else 1
        for i, month in enumerate(months):
            x = plot.left() + slot * i + slot * 0.15
            y = plot.bottom()
            for index, label in enumerate(labels):
                height = plot.height() * self.data.series[label][i] / top
                painter.fillRect(QRectF(x, y - height, slot * 0.7, height), QColor(PALETTE[index % 8]))
                y -= height
            if (len(months) - 1 - i) % step:
                continue
            painter.setPen(QPen(QColor("#444444")))
            text = f"{month.start.month}" + ("" if short else "月")
            under = self.label_rect(
                QRectF(plot.left() + slot * i, plot.bottom() + 2, slot, line), metrics.horizontalAdvance(text)
            )
            painter.drawText(under, Qt.AlignmentFlag.AlignHCenter, text)
        painter.end()
