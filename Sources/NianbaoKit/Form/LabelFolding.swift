// Folding of labels for matching, never for display.
//
// Real reports print the same label many ways: full-width or half-width brackets and digits,
// curly or straight quotes, spaces inside words (`商业 企业`), traditional characters from
// mirror sites, Taiwan vocabulary (`檔案` for 文件), pinyin injected after characters
// (`申請(qǐng)人`) and stray Word markup (`[bookmark: _GoBack]`). `fold` maps all of that to one
// canonical spelling so that key words match; the text shown to users stays as printed.

public enum LabelFolding {
    /// The canonical spelling of `text` for matching.
    public static func fold(_ text: String) -> String {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.unicodeScalars.count)
        var input = Array(text.unicodeScalars)
        input = removeMarkup(input)
        for s in input {
            let v = s.value
            switch v {
            case 0x20, 0x09, 0x0A, 0x0D, 0xA0, 0x3000, 0x2002...0x200B, 0xFEFF:
                continue                                   // all spacing is dropped
            case 0xFF01...0xFF5E:                          // full-width ASCII
                scalars.append(Unicode.Scalar(v - 0xFEE0)!)
            case 0x201C, 0x201D, 0x300C, 0x300D, 0x300E, 0x300F, 0x2018, 0x2019, 0x27:
                scalars.append("\"")
            case 0x3014, 0x3010, 0xFF3B:                   // 〔 【
                scalars.append("[")
            case 0x3015, 0x3011, 0xFF3D:
                scalars.append("]")
            case 0xFF0F, 0x2215:
                scalars.append("/")
            default:
                if let simple = traditionalToSimplified[v] {
                    scalars.append(Unicode.Scalar(simple)!)
                } else {
                    scalars.append(s)
                }
            }
        }
        scalars = removePinyin(scalars)
        scalars = replaceVocabulary(scalars)
        return String(String.UnicodeScalarView(scalars))
    }

    /// Replaces Taiwan wording by the mainland words, one word after another, scalar by scalar
    /// like the rest of folding (a search through the string's characters cost more than all
    /// the rest of a fold).
    private static func replaceVocabulary(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var s = s
        for (taiwan, mainland) in vocabularyScalars {
            guard let first = taiwan.first, s.contains(first) else { continue }
            var out: [Unicode.Scalar] = []
            out.reserveCapacity(s.count)
            var i = 0
            while i < s.count {
                if s[i] == first, s[i...].starts(with: taiwan) {
                    out += mainland
                    i += taiwan.count
                } else {
                    out.append(s[i])
                    i += 1
                }
            }
            s = out
        }
        return s
    }

    private static let vocabularyScalars: [([Unicode.Scalar], [Unicode.Scalar])] =
        vocabulary.map { (Array($0.0.unicodeScalars), Array($0.1.unicodeScalars)) }

    /// Drops `[bookmark: …]` and similar bracketed Word artefacts.
    private static func removeMarkup(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard s.contains("[") else { return s }
        var out: [Unicode.Scalar] = []
        var i = 0
        while i < s.count {
            if s[i] == "[", let close = s[i...].firstIndex(of: "]") {
                let inner = String(String.UnicodeScalarView(s[(i + 1)..<close]))
                if inner.hasPrefix("bookmark") || inner.hasPrefix("_") {
                    i = close + 1
                    continue
                }
            }
            out.append(s[i])
            i += 1
        }
        return out
    }

    /// Drops `(pinyin)` that follows a CJK character: `請(qǐng)` → `請`.
    private static func removePinyin(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard s.contains("(") else { return s }
        var out: [Unicode.Scalar] = []
        var i = 0
        while i < s.count {
            if s[i] == "(", i > 0, isCJK(s[i - 1]) {
                var j = i + 1
                var sawTone = false
                while j < s.count, isPinyinLetter(s[j]) {
                    if s[j].value > 0x7F { sawTone = true }
                    j += 1
                }
                if j < s.count, s[j] == ")", j > i + 1, sawTone || j - i <= 7 {
                    i = j + 1
                    continue
                }
            }
            out.append(s[i])
            i += 1
        }
        return out
    }

    static func isCJK(_ s: Unicode.Scalar) -> Bool {
        (0x4E00...0x9FFF).contains(s.value) || (0x3400...0x4DBF).contains(s.value)
    }

    static func isPinyinLetter(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (0x61...0x7A).contains(v) { return true }
        // Latin letters with tone marks: ā á ǎ à ē é ě è ī í ǐ ì ō ó ǒ ò ū ú ǔ ù ǖ ǘ ǚ ǜ ü
        return [0x101, 0xE1, 0x1CE, 0xE0, 0x113, 0xE9, 0x11B, 0xE8, 0x12B, 0xED, 0x1D0, 0xEC,
                0x14D, 0xF3, 0x1D2, 0xF2, 0x16B, 0xFA, 0x1D4, 0xF9, 0x1D6, 0x1D8, 0x1DA, 0x1DC,
                0xFC, 0x144, 0x148, 0x1F9].contains(v)
    }

    /// Taiwan wording that differs from the mainland form's, after character conversion.
    static let vocabulary: [(String, String)] = [
        ("资讯", "信息"), ("档案", "文件"), ("申请书", "申请"),
    ]

    /// Traditional characters that occur in the form's labels, titles and headings.
    static let traditionalToSimplified: [UInt32: UInt32] = {
        let pairs: [(Character, Character)] = [
            ("請", "请"), ("處", "处"), ("結", "结"), ("轉", "转"), ("總", "总"), ("計", "计"),
            ("規", "规"), ("範", "范"), ("許", "许"), ("罰", "罚"), ("強", "强"), ("業", "业"),
            ("費", "费"), ("採", "采"), ("購", "购"), ("項", "项"), ("數", "数"), ("發", "发"),
            ("廢", "废"), ("現", "现"), ("決", "决"), ("額", "额"), ("開", "开"), ("對", "对"),
            ("減", "减"), ("機", "机"), ("構", "构"), ("會", "会"), ("組", "组"), ("織", "织"),
            ("務", "务"), ("國", "国"), ("穩", "稳"), ("權", "权"), ("內", "内"), ("過", "过"),
            ("執", "执"), ("詢", "询"), ("沒", "没"), ("補", "补"), ("後", "后"), ("確", "确"),
            ("訪", "访"), ("舉", "举"), ("報", "报"), ("訴", "诉"), ("類", "类"), ("複", "复"),
            ("復", "复"), ("認", "认"), ("獲", "获"), ("繳", "缴"), ("納", "纳"), ("維", "维"),
            ("糾", "纠"), ("審", "审"), ("訟", "讼"), ("議", "议"), ("無", "无"), ("適", "适"),
            ("辦", "办"), ("況", "况"), ("題", "题"), ("問", "问"), ("進", "进"), ("體", "体"),
            ("動", "动"), ("門", "门"), ("縣", "县"), ("區", "区"), ("單", "单"), ("萬", "万"),
            ("鎮", "镇"), ("鄉", "乡"), ("員", "员"), ("廳", "厅"), ("統", "统"), ("間", "间"),
            ("時", "时"), ("個", "个"), ("條", "条"), ("護", "护"), ("級", "级"), ("際", "际"),
            ("實", "实"), ("達", "达"), ("檔", "档"), ("資", "资"), ("訊", "讯"), ("職", "职"),
            ("經", "经"), ("濟", "济"), ("產", "产"), ("據", "据"), ("關", "关"), ("於", "于"),
            ("爲", "为"), ("為", "为"), ("編", "编"), ("號", "号"), ("書", "书"), ("與", "与"),
            ("衛", "卫"), ("醫", "医"), ("療", "疗"), ("園", "园"), ("農", "农"), ("環", "环"),
            ("境", "境"), ("廣", "广"), ("東", "东"), ("陽", "阳"), ("雲", "云"), ("黨", "党"),
            ("漢", "汉"), ("寧", "宁"), ("遼", "辽"), ("龍", "龙"), ("島", "岛"), ("蘆", "芦"),
            ("連", "连"), ("華", "华"), ("廈", "厦"), ("灣", "湾"), ("義", "义"), ("應", "应"),
            ("當", "当"), ("學", "学"), ("歲", "岁"), ("區", "区"), ("莊", "庄"), ("邊", "边"),
            ("劃", "划"), ("聯", "联"), ("絡", "络"), ("網", "网"), ("站", "站"), ("點", "点"),
            ("擊", "击"), ("圖", "图"), ("屬", "属"), ("險", "险"), ("億", "亿"), ("並", "并"),
            ("證", "证"), ("準", "准"), ("雜", "杂"), ("歸", "归"), ("檢", "检"), ("驗", "验"),
            ("頁", "页"), ("標", "标"), ("題", "题"), ("說", "说"), ("讀", "读"), ("傳", "传"),
            ("稅", "税"), ("財", "财"), ("務", "务"), ("倉", "仓"), ("庫", "库"), ("買", "买"),
            ("賣", "卖"), ("貨", "货"), ("質", "质"), ("營", "营"), ("專", "专"), ("團", "团"),
            ("興", "兴"), ("舊", "旧"), ("稱", "称"), ("積", "积"), ("極", "极"), ("紀", "纪"),
            ("錄", "录"), ("門", "门"), ("戶", "户"), ("續", "续"), ("繼", "继"), ("從", "从"),
            ("這", "这"), ("們", "们"), ("來", "来"), ("將", "将"), ("據", "据"), ("選", "选"),
            ("擇", "择"), ("運", "运"), ("輸", "输"), ("車", "车"), ("鐵", "铁"), ("路", "路"),
            ("視", "视"), ("聽", "听"), ("調", "调"), ("節", "节"), ("壓", "压"), ("續", "续"),
        ]
        var map: [UInt32: UInt32] = [:]
        for (t, s) in pairs where t != s {
            map[t.unicodeScalars.first!.value] = s.unicodeScalars.first!.value
        }
        return map
    }()
}
