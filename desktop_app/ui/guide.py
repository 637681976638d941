"""帮助 → 使用说明 (F1): the few things to know, and every shortcut."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from desktop_app.ui.screen import fit_to_screen

GUIDE_HTML = """
<h3>书记工作台使用说明</h3>
<p>左侧选择要做的事：工作台列出今天要做的事，单击一项即打开对应的记录或已填好类别的新增表单。</p>
<h4>常用快捷键</h4>
<table cellpadding="4">
<tr><td><b>Ctrl+1 … Ctrl+9、Ctrl+0</b></td><td>切换到左侧第 1 … 10 项</td></tr>
<tr><td><b>Ctrl+N</b></td><td>新增一条记录</td></tr>
<tr><td><b>Ctrl+F</b></td><td>到搜索框（可输入拼音首字母，如 zgp 找到“朱国萍”）</td></tr>
<tr><td><b>↓</b></td><td>从搜索框进入列表</td></tr>
<tr><td><b>回车</b> 或双击</td><td>编辑选中的记录</td></tr>
<tr><td><b>Delete</b></td><td>把选中的记录删除到回收站（可以恢复）</td></tr>
<tr><td><b>Ctrl+P</b></td><td>三会一课：打印选中的会议记录</td></tr>
<tr><td><b>Ctrl+R</b></td><td>回收站：恢复选中的记录</td></tr>
<tr><td><b>右键</b> 或菜单键</td><td>列表中可用的全部操作（导入、导出PDF、附件……）</td></tr>
<tr><td><b>Ctrl+S</b></td><td>设置页：保存设置</td></tr>
<tr><td><b>F1</b></td><td>打开本说明</td></tr>
</table>
<h4>填写表单</h4>
<ul>
<li><b>回车</b>保存；多行文字中回车是换行，用 <b>Ctrl+回车</b> 保存。</li>
<li><b>Esc</b> 取消；已填写的内容没有保存时会先询问（默认“否”，回到表单）。</li>
<li>日期可以写成 2024-03-05、2024/3/5 或 2024年3月5日；可选的日期和时间留空即“未填”。</li>
<li>保存失败时表单保持打开，原因写在对应的栏目下面。</li>
<li>三会一课的出席情况逐人标记；“其余标为出席”只标记还没有标记的人。</li>
</ul>
<h4>关闭程序</h4>
<p>设置页有未保存的修改、或有填写了内容的表单还开着时，关闭前会问“保存 / 不保存 / 取消”；
选“取消”（回车、Esc 也是取消）什么都不改变。</p>
<h4>日期和文件</h4>
<p>日期写成 2024-03-05，标题和打印的记录中写成 2024年3月5日。选择文件时从上次存放同类文件的文件夹打开，
第一次从“文档”打开。</p>
<h4>字太小？</h4>
<p>在“设置 → 工作台提醒”下方选择“界面字号”，保存后立即生效。</p>
<h4>数据安全</h4>
<p>每天第一次打开时自动备份；“设置 → 数据”可以立即备份、备份到 U 盘或从备份恢复。删除的记录在“回收站”中。</p>
"""


class GuideDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("使用说明")
        layout = QVBoxLayout(self)
        self.text = QTextBrowser()
        self.text.setHtml(GUIDE_HTML)
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(640, 640))
