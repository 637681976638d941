"""帮助 → 使用说明 (F1): the few things to know, and every shortcut.

The shortcut table is data (`SHORTCUTS`): each row names the key sequences the program registers for it, and a
test compares them with the shortcuts the running window and its forms actually have, both ways.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from desktop_app.ui.kit.dialog_buttons import standard_buttons
from desktop_app.ui.kit.screen import fit_to_screen


@dataclass(frozen=True)
class Keys:
    """One row of the shortcut table: the keys as written, what they do, and the shortcuts registered for them
    (Qt's portable text; none for keys a list or a field handles itself, such as ↓ in a search box)."""

    shown: str
    does: str
    registered: tuple[str, ...] = ()


SHORTCUTS = (
    Keys("Ctrl+1 … Ctrl+9、Ctrl+0", "切换到左侧第 1 … 10 项", tuple(f"Ctrl+{n}" for n in range(10))),
    Keys("Ctrl+N", "新增一条记录", ("Ctrl+N",)),
    Keys("Ctrl+F", "到搜索框（可输入拼音首字母，如 zgp 找到“朱国萍”）", ("Ctrl+F",)),
    Keys("↓", "从搜索框进入列表"),
    Keys("回车 或双击", "编辑选中的记录"),
    Keys("Delete", "把选中的记录删除到回收站（可以恢复）", ("Del",)),
    Keys("Ctrl+P", "三会一课：打印选中的会议记录", ("Ctrl+P",)),
    Keys("Ctrl+R", "回收站：恢复选中的记录", ("Ctrl+R",)),
    Keys(
        "空格",
        "党费：把选中的月份标记为已缴；三会一课的出席情况中：打开出席选项（↑↓ 选择，回车确定）；"
        "参加人员名单：勾选或取消",
    ),
    Keys("Ctrl+Z", "党费：撤销选中格子今天记录的最后一笔（以前记录的用“更正…”写明原因）", ("Ctrl+Z",)),
    Keys("Tab", "到下一栏；表格中逐格前进，最后一格之后离开表格（列表中用方向键移动）"),
    Keys("Ctrl+E", "党费：核定选中的党员的党费", ("Ctrl+E",)),
    Keys("右键 或菜单键", "列表中可用的全部操作（导入、导出PDF、附件……）"),
    Keys("Ctrl+回车", "表单：保存（多行文字中回车是换行）", ("Ctrl+Return", "Ctrl+Enter")),
    Keys("Ctrl+S", "设置页：保存设置", ("Ctrl+S",)),
    Keys("Ctrl+L", "锁定窗口（离开电脑时），解锁要输入密码或恢复密钥", ("Ctrl+L",)),
    Keys("F1", "打开本说明", ("F1",)),
)


def shortcut_rows() -> str:
    return "\n".join(f"<tr><td><b>{escape(k.shown)}</b></td><td>{escape(k.does)}</td></tr>" for k in SHORTCUTS)


# Paragraphs written without line breaks inside: in HTML a break between two Chinese characters shows as a space.
DUES = (
    "“党费”页按月列出每位党员的应缴和已缴，红底是已到期未缴。选中月份按<b>空格</b>标记已缴（缴费方式、日期和收缴人"
    "在表格上方选）；“核定…”（<b>Ctrl+E</b>）按缴费类别和月收入基数算出每月金额，“导入基数…”从 Excel 表一次核定全年；"
    "“减免…”记录经批准的减免，“自愿多交…”另行记录。连续 4 个月及以上未缴的党员会在工作台提醒。"
)
TALKS = (
    "“谈心谈话”页记录每次谈话（至少两名党员；谈话记录是隐私内容，不导出）。“谈话覆盖”页看一年的情况："
    "支部委员两两之间、每名党员与书记（可改为任一支部委员）是否谈过，党员之间的谈话只计次数；"
    "选中尚未谈话的党员按回车即新增与其的谈话。支部委员按党员资料中的“任支委起止”日期算。第四季度起工作台会提醒。"
)
REVIEWS = (
    "“民主评议”页：先在“三会一课”中登记当年的民主评议党员会议，再点“按本年民主评议党员会议建立名单”；"
    "在表格中逐人填自评、各等次得票和评定，不合格的须填处置、处置日期和文号或说明，"
    "再填作出评定的会议和日期，点“保存评议结果”。可设优秀比例上限，超过时只提醒。"
)
LAPSES = (
    "党章第九条：党员无正当理由连续 6 个月不参加组织生活或不交纳党费，被认为是自行脱党。“六个月提醒”页列出连续 4 个月"
    "及以上未参加组织生活或未缴党费的党员和具体月份，工作台也会提醒，请尽早联系本人；程序不会改变任何人的党籍状态。"
    "有应参加的会议而一次也没参加的月份才算；没有应参加会议的月份不算也不中断；请假的月份单列，不算缺席；"
    "预交、补缴、减免和在单位交纳的不算未缴；当月不算。回车打开该党员的记录。"
)
TRANSFERS = (
    "党员转入、转出本支部时，在“党员”的编辑窗口下方“组织关系转接”中填写日期、来自或转往的党组织、介绍信编号、经手人"
    "和回执日期；这两个日期决定该党员从哪天起、到哪天止算作本支部党员（党费月份、会议应到人数都按它算）。"
    "左侧“关系转接”页列出全部转入转出，转出 3 个月仍未收到回执的标红，工作台也会提醒；选中一行按回车打开该党员，"
    "收到回执后填上回执日期即可。"
)
MOBILE = (
    "党员外出务工、居住在外地时，在“流动党员”页新增（<b>Ctrl+N</b>）：外出日期、地点、是否固定、参加组织生活的方式"
    "（回原支部参加、在流入地参加、线上参加）、流入地党组织、流动党员活动证编号、联系电话和最近联系日期，回来后填返回日期。"
    "工作台“流动党员”一栏列出外出中的党员和最近一次联系，超过 90 天没联系的标红；外出满 6 个月且地点固定的，"
    "工作台提醒应将组织关系转到流入地党组织。在流入地或线上参加的月份，“六个月提醒”单列为“流动在外参加”，不算缺席。"
)
PACKAGES = (
    "先在“设置 → 上报街道”导入街道公钥，并打电话与街道核对指纹；再到“报表导出 → 上报数据包”选期间，"
    "点“生成数据包…”，把 .sjb 文件交给街道。数据包默认只有汇总数字：三会一课、关怀、学习考察、工作室和党费，"
    "以及截至期末的民主评议各等次人数、谈心谈话覆盖率和连续未参加组织生活或未缴党费满 4 个月、满 6 个月的人数；"
    "勾选“含名单”才附上姓名（民主评议、谈心谈话和六个月提醒始终只有人数）；身份证号、电话和病情"
    "从不放入。街道用的程序在“数据包”页导入各居民区的数据包（可选多个文件、一个文件夹，或直接拖进来），"
    "“汇总工作台”（含民主评议、谈心谈话、六个月提醒、组织关系转接、流动党员标签页）和“汇总报表”随即算好；"
    "旧版程序生成的数据包没有这几项，显示“旧版数据包无此项”。"
)
RECOVERY = (
    "每次启动和解锁都要输入密码。第一次启动时显示的<b>恢复密钥</b>请抄写或打印，放在安全的地方：忘记密码时，"
    "在输入密码处输入恢复密钥即可打开，再到“设置 → 修改密码”设新密码。没有密码、也没有恢复密钥时，"
    "任何人都无法恢复这些数据。离开电脑时按 <b>Ctrl+L</b> 锁定；一段时间无操作也会自动锁定（时间在“设置”中调整）。"
)
FIRST_STEPS = (
    "刚开始用时，工作台上方的“开始使用”列出五步：填写居民区信息、导入党员名册、导入居民名单、设置三会一课规范、"
    "设置备份位置；单击一步即打开要做它的页面，做完的打勾。"
)

# What 其余标为出席 does, in the one wording its tooltip, this guide and README use.
MARK_REST_PRESENT = "“其余标为出席”把还没有标记的人标为出席；已标为请假或缺席的人不改动，也不询问。"

GUIDE_HTML = f"""
<h3>书记工作台使用说明</h3>
<p>左侧选择要做的事：工作台列出今天要做的事，单击一项即打开对应的记录或已填好类别的新增表单。</p>
<p>{FIRST_STEPS}</p>
<h4>常用快捷键</h4>
<table cellpadding="4">
{shortcut_rows()}
</table>
<h4>填写表单</h4>
<ul>
<li><b>回车</b>保存；多行文字中回车是换行，用 <b>Ctrl+回车</b> 保存。</li>
<li><b>Esc</b> 取消；已填写的内容没有保存时会先询问（默认“否”，回到表单）。</li>
<li>日期可以写成 2024-03-05、2024/3/5 或 2024年3月5日；可选的日期和时间留空即“未填”。</li>
<li>保存失败时表单保持打开，原因写在对应的栏目下面；保存后光标回到列表中刚保存的那一行。</li>
<li>表单中的表格每一格直接输入，不必按回车确认；“参加人员”在筛选框中按 <b>↓</b> 进入名单，空格勾选。</li>
<li>鼠标滚轮只滚动页面，不会改动光标不在其中的数字框、下拉框和日期框。</li>
<li>三会一课的出席情况逐人标记，新会议一开始都是“未标记”。{MARK_REST_PRESENT}</li>
</ul>
<h4>党费</h4>
<p>{DUES}</p>
<h4>谈心谈话</h4>
<p>{TALKS}</p>
<h4>民主评议</h4>
<p>{REVIEWS}</p>
<h4>六个月提醒</h4>
<p>{LAPSES}</p>
<h4>组织关系转接</h4>
<p>{TRANSFERS}</p>
<h4>流动党员</h4>
<p>{MOBILE}</p>
<h4>上报街道（数据包）</h4>
<p>{PACKAGES}</p>
<h4>密码和恢复密钥</h4>
<p>{RECOVERY}</p>
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
        buttons = standard_buttons(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(640, 640))
