"""Story texts for the `digest today` clustering tests (as in tests/select/texts.py): one story as
several outlets carry it, and stories that share many words with it but are different stories."""

# One story, simplified Chinese (the wire copy).
QUAKE = (
    "中国地震台网正式测定，4月24日21时15分在四川雅安市芦山县发生5.1级地震，震源深度12千米。"
    "当地应急管理部门表示，目前暂无人员伤亡报告，救援队伍已连夜赶赴震中开展排查。"
    "气象部门提醒，未来三天震区有降雨，需防范次生地质灾害。"
)
# The same story as a Hong Kong outlet carries it: traditional script, other punctuation, a byline.
QUAKE_HK = (
    "中國地震台網正式測定,4月24日21時15分在四川雅安市蘆山縣發生5.1級地震,震源深度12千米."
    "當地應急管理部門稱,目前暫無人員傷亡報告,救援隊伍已連夜趕赴震中開展排查."
    "氣象部門提醒,未來三天震區有降雨,需防範次生地質災害.(記者 陳文)"
)
# The same story, a sentence dropped and a headline-like lead added.
QUAKE_SHORT = (
    "快讯：中国地震台网正式测定，4月24日21时15分在四川雅安市芦山县发生5.1级地震，震源深度12千米。"
    "当地应急管理部门表示，目前暂无人员伤亡报告，救援队伍已连夜赶赴震中开展排查。"
)
# A different quake: same wording, different place, time and figures.
QUAKE_OTHER = (
    "中国地震台网正式测定，4月25日03时40分在云南大理州漾濞县发生4.3级地震，震源深度9千米。"
    "当地应急管理部门表示，目前暂无人员伤亡报告，救援队伍已赶赴震中开展排查。"
    "气象部门提醒，未来三天震区有降雨，需防范次生地质灾害。"
)
# A different story on the same topic: shares 地震, 四川, 应急管理部门 … but tells something else.
QUAKE_DRILL = (
    "四川省应急管理部门24日在成都组织地震应急演练，模拟7级地震发生后的人员疏散和物资调配。"
    "演练共有两千余名救援队员参加，检验了救援队伍的快速反应能力。"
    "据介绍，全省今年将开展地震科普进校园活动一百场。"
)

RATES = (
    "The central bank left its benchmark interest rate unchanged at 3.45 percent on Monday, "
    "saying inflation remained close to its target. Economists had widely expected the decision. "
    "The bank said it would keep watching the housing market, where prices fell for a sixth month."
)
RATES_REWRITE = (
    "The central bank on Monday left its benchmark interest rate unchanged at 3.45 percent, "
    "saying inflation remained close to its target. Economists had widely expected the decision. "
    "The bank said it would keep watching the housing market, where prices fell for a sixth month. "
    "Reporting by staff writers."
)
RATES_OTHER = (
    "The central bank cut its benchmark interest rate to 3.20 percent on Monday, saying growth had "
    "slowed more than expected. Few economists had expected the decision. Shares rose after the "
    "announcement, led by property developers."
)
