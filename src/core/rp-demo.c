/* rp-demo.c: deterministic, realistic demo data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here is made from one seed and one "now" with a small PRNG of
 * our own (xoshiro256**), integer arithmetic and IEEE basic operations only,
 * so the same options give byte-identical documents on any machine and any
 * GLib version.  Each customer draws from its own stream, seeded from the
 * seed and the customer's index.
 */

#define G_LOG_DOMAIN "rp-demo"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "rp-demo.h"
#include "rp-doc.h"

#define DAY  ((gint64) 86400)
#define HOUR ((gint64) 3600)
#define YEAR (365 * DAY)

/* ------------------------------------------------------------------ */
/* Static tables                                                      */
/* ------------------------------------------------------------------ */

typedef struct
{
  const char *kanji;
  const char *kana;
} JaName;

static const JaName ja_family[] = {
  { "佐藤", "さとう" }, { "鈴木", "すずき" }, { "高橋", "たかはし" }, { "田中", "たなか" },
  { "伊藤", "いとう" }, { "渡辺", "わたなべ" }, { "山本", "やまもと" }, { "中村", "なかむら" },
  { "小林", "こばやし" }, { "加藤", "かとう" }, { "吉田", "よしだ" }, { "山田", "やまだ" },
  { "佐々木", "ささき" }, { "山口", "やまぐち" }, { "松本", "まつもと" }, { "井上", "いのうえ" },
  { "木村", "きむら" }, { "林", "はやし" }, { "斎藤", "さいとう" }, { "清水", "しみず" },
  { "山崎", "やまざき" }, { "森", "もり" }, { "池田", "いけだ" }, { "橋本", "はしもと" },
  { "阿部", "あべ" }, { "石川", "いしかわ" }, { "山下", "やました" }, { "中島", "なかじま" },
  { "石井", "いしい" }, { "小川", "おがわ" }, { "前田", "まえだ" }, { "岡田", "おかだ" },
  { "長谷川", "はせがわ" }, { "藤田", "ふじた" }, { "後藤", "ごとう" }, { "近藤", "こんどう" },
  { "村上", "むらかみ" }, { "遠藤", "えんどう" }, { "青木", "あおき" }, { "坂本", "さかもと" },
  { "斉藤", "さいとう" }, { "福田", "ふくだ" }, { "太田", "おおた" }, { "西村", "にしむら" },
  { "藤井", "ふじい" }, { "金子", "かねこ" }, { "岡本", "おかもと" }, { "藤原", "ふじわら" },
  { "中野", "なかの" }, { "三浦", "みうら" }, { "原田", "はらだ" }, { "中川", "なかがわ" },
  { "松田", "まつだ" }, { "竹内", "たけうち" }, { "小野", "おの" }, { "田村", "たむら" },
  { "中山", "なかやま" }, { "和田", "わだ" }, { "石田", "いしだ" }, { "森田", "もりた" },
  { "上田", "うえだ" }, { "原", "はら" }, { "内田", "うちだ" }, { "柴田", "しばた" },
  { "酒井", "さかい" }, { "宮崎", "みやざき" }, { "横山", "よこやま" }, { "高木", "たかぎ" },
  { "安藤", "あんどう" }, { "宮本", "みやもと" }, { "大野", "おおの" }, { "小島", "こじま" },
  { "谷口", "たにぐち" }, { "今井", "いまい" }, { "工藤", "くどう" }, { "高田", "たかだ" },
  { "増田", "ますだ" }, { "丸山", "まるやま" }, { "杉山", "すぎやま" }, { "村田", "むらた" },
  { "大塚", "おおつか" }, { "新井", "あらい" }, { "小山", "こやま" }, { "平野", "ひらの" },
  { "藤本", "ふじもと" }, { "河野", "こうの" }, { "上野", "うえの" }, { "野口", "のぐち" },
  { "武田", "たけだ" }, { "松井", "まつい" }, { "千葉", "ちば" }, { "岩崎", "いわさき" },
  { "菅原", "すがわら" }, { "木下", "きのした" }, { "久保", "くぼ" }, { "佐野", "さの" },
  { "野村", "のむら" }, { "松尾", "まつお" }, { "市川", "いちかわ" }, { "菊地", "きくち" },
  { "杉本", "すぎもと" }, { "古川", "ふるかわ" }, { "大西", "おおにし" }, { "島田", "しまだ" },
  { "水野", "みずの" }, { "桜井", "さくらい" }, { "高野", "たかの" }, { "渡部", "わたなべ" },
  { "吉川", "よしかわ" }, { "山内", "やまうち" }, { "西田", "にしだ" }, { "飯田", "いいだ" },
  { "菊池", "きくち" }, { "西川", "にしかわ" }, { "小松", "こまつ" }, { "北村", "きたむら" },
  { "安田", "やすだ" }, { "五十嵐", "いがらし" }, { "川口", "かわぐち" }, { "平田", "ひらた" },
  { "関", "せき" }, { "中田", "なかた" }, { "久保田", "くぼた" }, { "服部", "はっとり" },
  { "東", "あずま" }, { "岩田", "いわた" }, { "土屋", "つちや" }, { "川崎", "かわさき" },
  { "福島", "ふくしま" }, { "本田", "ほんだ" }, { "辻", "つじ" }, { "樋口", "ひぐち" },
  { "秋山", "あきやま" }, { "田口", "たぐち" }, { "永井", "ながい" }, { "山中", "やまなか" },
  { "中西", "なかにし" }, { "吉村", "よしむら" }, { "川上", "かわかみ" }, { "石原", "いしはら" },
  { "大橋", "おおはし" }, { "松岡", "まつおか" }, { "馬場", "ばば" }, { "浜田", "はまだ" },
  { "森本", "もりもと" }, { "星野", "ほしの" }, { "矢野", "やの" }, { "浅野", "あさの" },
  { "大久保", "おおくぼ" }, { "松下", "まつした" }, { "小池", "こいけ" }, { "荒木", "あらき" },
  { "大谷", "おおたに" }, { "内藤", "ないとう" }, { "松浦", "まつうら" }, { "熊谷", "くまがい" },
  { "黒田", "くろだ" }, { "尾崎", "おざき" }, { "永田", "ながた" }, { "川村", "かわむら" },
  { "望月", "もちづき" }, { "田辺", "たなべ" }, { "松村", "まつむら" }, { "荒井", "あらい" },
  { "堀", "ほり" }, { "大島", "おおしま" }, { "平井", "ひらい" }, { "早川", "はやかわ" },
  { "菅野", "すがの" }, { "栗原", "くりはら" }, { "西山", "にしやま" }, { "広瀬", "ひろせ" },
  { "横田", "よこた" }, { "石橋", "いしばし" }, { "萩原", "はぎわら" }, { "岡", "おか" },
  { "宮田", "みやた" }, { "片山", "かたやま" }, { "本間", "ほんま" }, { "北川", "きたがわ" },
  { "宮下", "みやした" }, { "小西", "こにし" }, { "上原", "うえはら" }, { "高山", "たかやま" },
  { "根本", "ねもと" }, { "細川", "ほそかわ" }, { "吉岡", "よしおか" }, { "秋元", "あきもと" },
  { "森下", "もりした" }, { "宇野", "うの" }, { "白石", "しらいし" }, { "大川", "おおかわ" },
};

static const JaName ja_given[] = {
  /* men */
  { "翔太", "しょうた" }, { "大輔", "だいすけ" }, { "拓也", "たくや" }, { "健太", "けんた" },
  { "直樹", "なおき" }, { "達也", "たつや" }, { "和也", "かずや" }, { "誠", "まこと" },
  { "大樹", "だいき" }, { "翔", "しょう" }, { "蓮", "れん" }, { "悠真", "ゆうま" },
  { "湊", "みなと" }, { "陽翔", "はると" }, { "大翔", "ひろと" }, { "悠斗", "ゆうと" },
  { "陸", "りく" }, { "颯太", "そうた" }, { "樹", "いつき" }, { "朝陽", "あさひ" },
  { "律", "りつ" }, { "颯", "はやて" }, { "陽太", "ようた" }, { "奏太", "かなた" },
  { "健一", "けんいち" }, { "浩二", "こうじ" }, { "隆", "たかし" }, { "修", "おさむ" },
  { "博", "ひろし" }, { "茂", "しげる" }, { "清", "きよし" }, { "実", "みのる" },
  { "勝", "まさる" }, { "進", "すすむ" }, { "武", "たけし" }, { "剛", "つよし" },
  { "学", "まなぶ" }, { "聡", "さとし" }, { "亮", "りょう" }, { "涼太", "りょうた" },
  { "雄一", "ゆういち" }, { "俊介", "しゅんすけ" }, { "康平", "こうへい" }, { "智也", "ともや" },
  { "慎也", "しんや" }, { "裕介", "ゆうすけ" }, { "哲也", "てつや" }, { "秀樹", "ひでき" },
  { "正樹", "まさき" }, { "光", "ひかる" }, { "海斗", "かいと" }, { "航", "わたる" },
  { "蒼空", "そら" }, { "悠人", "ゆうと" }, { "健", "けん" }, { "一郎", "いちろう" },
  { "和夫", "かずお" }, { "正男", "まさお" }, { "義男", "よしお" }, { "幸雄", "ゆきお" },
  { "昭", "あきら" }, { "豊", "ゆたか" }, { "圭", "けい" }, { "浩", "ひろし" },
  { "陽介", "ようすけ" }, { "雅人", "まさと" }, { "拓海", "たくみ" }, { "颯真", "そうま" },
  { "駿", "しゅん" }, { "陽向", "ひなた" }, { "新", "あらた" }, { "瑛太", "えいた" },
  { "大和", "やまと" }, { "優", "ゆう" }, { "徹", "とおる" }, { "功", "いさお" },
  { "敏行", "としゆき" }, { "克也", "かつや" }, { "純一", "じゅんいち" }, { "賢治", "けんじ" },
  { "敦", "あつし" }, { "圭介", "けいすけ" }, { "貴之", "たかゆき" }, { "直人", "なおと" },
  { "信也", "しんや" }, { "大地", "だいち" }, { "祐樹", "ゆうき" }, { "勇気", "ゆうき" },
  /* women */
  { "美咲", "みさき" }, { "さくら", "さくら" }, { "陽菜", "ひな" }, { "結衣", "ゆい" },
  { "葵", "あおい" }, { "凛", "りん" }, { "結菜", "ゆいな" }, { "紬", "つむぎ" },
  { "芽依", "めい" }, { "莉子", "りこ" }, { "美羽", "みう" }, { "心春", "こはる" },
  { "杏", "あん" }, { "澪", "みお" }, { "愛", "あい" }, { "彩", "あや" },
  { "舞", "まい" }, { "優子", "ゆうこ" }, { "裕子", "ゆうこ" }, { "恵子", "けいこ" },
  { "洋子", "ようこ" }, { "幸子", "さちこ" }, { "和子", "かずこ" }, { "久美子", "くみこ" },
  { "由美子", "ゆみこ" }, { "真由美", "まゆみ" }, { "智子", "ともこ" }, { "直美", "なおみ" },
  { "明美", "あけみ" }, { "陽子", "ようこ" }, { "京子", "きょうこ" }, { "順子", "じゅんこ" },
  { "恵", "めぐみ" }, { "香織", "かおり" }, { "麻衣", "まい" }, { "愛美", "まなみ" },
  { "沙織", "さおり" }, { "千尋", "ちひろ" }, { "彩香", "あやか" }, { "七海", "ななみ" },
  { "美穂", "みほ" }, { "理恵", "りえ" }, { "奈々", "なな" }, { "真理子", "まりこ" },
  { "由紀", "ゆき" }, { "友美", "ともみ" }, { "亜希子", "あきこ" }, { "綾香", "あやか" },
  { "遥", "はるか" }, { "楓", "かえで" }, { "花", "はな" }, { "日葵", "ひまり" },
  { "咲良", "さくら" }, { "美月", "みづき" }, { "千夏", "ちなつ" }, { "菜々子", "ななこ" },
  { "瑞希", "みずき" }, { "早紀", "さき" }, { "未来", "みく" }, { "桃子", "ももこ" },
  { "玲奈", "れいな" }, { "沙耶", "さや" }, { "若菜", "わかな" }, { "真央", "まお" },
  { "志保", "しほ" }, { "恵美", "えみ" }, { "美紀", "みき" }, { "典子", "のりこ" },
  { "節子", "せつこ" }, { "文子", "ふみこ" }, { "百合子", "ゆりこ" }, { "弘子", "ひろこ" },
  { "紀子", "のりこ" }, { "絵美", "えみ" }, { "里美", "さとみ" }, { "朋子", "ともこ" },
  { "琴音", "ことね" }, { "結愛", "ゆあ" }, { "柚希", "ゆずき" }, { "美優", "みゆ" },
  { "優奈", "ゆうな" }, { "杏奈", "あんな" }, { "萌", "もえ" }, { "栞", "しおり" },
  { "梓", "あずさ" }, { "小百合", "さゆり" }, { "静香", "しずか" }, { "佳奈", "かな" },
  { "夏美", "なつみ" }, { "春香", "はるか" }, { "明日香", "あすか" }, { "麻美", "あさみ" },
};

static const char *const en_given[] = {
  "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda",
  "William", "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica",
  "Thomas", "Sarah", "Charles", "Karen", "Christopher", "Lisa", "Daniel", "Nancy",
  "Matthew", "Betty", "Anthony", "Margaret", "Mark", "Sandra", "Donald", "Ashley",
  "Steven", "Kimberly", "Paul", "Emily", "Andrew", "Donna", "Joshua", "Michelle",
  "Kevin", "Amanda", "Brian", "Melissa", "George", "Deborah", "Timothy", "Stephanie",
  "Oliver", "Olivia", "Harry", "Amelia", "Jack", "Isla", "Charlie", "Ava",
  "Noah", "Mia", "Leo", "Grace", "Oscar", "Freya", "Arthur", "Lily",
  "Henry", "Sophie", "Alfie", "Evie", "Jacob", "Chloe", "Ethan", "Ella",
  "Lucas", "Ruby", "Samuel", "Hannah", "Benjamin", "Zoe", "Liam", "Priya",
  "Aiden", "Aisha", "Mateo", "Sofia", "Omar", "Fatima", "Wei", "Mei",
  "Raj", "Anika", "Connor", "Siobhan", "Callum", "Niamh", "Rhys", "Megan",
  "Ewan", "Eilidh", "Carlos", "Lucia", "Diego", "Camila", "Nathan", "Rachel",
};

static const char *const en_family[] = {
  "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
  "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas",
  "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
  "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
  "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
  "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell",
  "Carter", "Roberts", "Evans", "Turner", "Phillips", "Parker", "Edwards", "Collins",
  "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Cooper", "Peterson",
  "Bailey", "Reed", "Kelly", "Howard", "Cox", "Ward", "Richardson", "Watson",
  "Brooks", "Wood", "James", "Bennett", "Gray", "Hughes", "Price", "Sanders",
  "Patel", "Khan", "Singh", "Ali", "O'Brien", "O'Connor", "Walsh", "Byrne",
  "MacDonald", "Fraser", "Davies", "Jenkins", "Lloyd", "Owen", "Clarke", "Chapman",
  "Fletcher", "Holmes", "Palmer", "Barker", "Sutherland", "Kim", "Chen", "Wong",
};

typedef struct
{
  const char *sku;
  const char *ja;
  const char *en;
  gint64      jpy;
} Product;

static const Product products[] = {
  { "HP-2041", "ワイヤレスイヤホン", "Wireless earbuds", 12800 },
  { "HP-2088", "ノイズキャンセリングヘッドホン", "Noise-cancelling headphones", 32800 },
  { "PC-1120", "モバイルバッテリー 10000mAh", "Power bank, 10,000 mAh", 3980 },
  { "PC-1133", "USB-C 充電ケーブル 1m", "USB-C charging cable, 1 m", 1280 },
  { "PC-1150", "急速充電器 30W", "30 W fast charger", 2980 },
  { "SP-3010", "スマートウォッチ", "Smartwatch", 24800 },
  { "SP-3022", "交換用バンド(ネイビー)", "Replacement strap, navy", 2480 },
  { "HM-4100", "電気ケトル 1.0L", "Electric kettle, 1.0 L", 5980 },
  { "HM-4122", "コーヒーメーカー", "Drip coffee maker", 8980 },
  { "HM-4135", "炊飯器 5.5合", "Rice cooker, 5.5 cups", 19800 },
  { "HM-4150", "スチーム式加湿器", "Steam humidifier", 9800 },
  { "HM-4171", "コードレス掃除機", "Cordless vacuum cleaner", 34800 },
  { "HM-4188", "空気清浄機", "Air purifier", 27800 },
  { "KT-5001", "三徳包丁", "Santoku knife", 6800 },
  { "KT-5013", "鉄製フライパン 26cm", "Iron frying pan, 26 cm", 4980 },
  { "KT-5024", "保存容器 5点セット", "Food storage containers, set of 5", 2180 },
  { "KT-5036", "ステンレスタンブラー", "Stainless steel tumbler", 2480 },
  { "KT-5040", "土鍋 8号", "Donabe clay pot", 5480 },
  { "TX-6002", "今治タオル バスタオル", "Imabari bath towel", 3300 },
  { "TX-6015", "綿の掛け布団カバー", "Cotton duvet cover", 6980 },
  { "TX-6021", "低反発まくら", "Memory foam pillow", 4980 },
  { "AP-7003", "撥水ジャケット", "Water-repellent jacket", 12900 },
  { "AP-7017", "メリノウールのセーター", "Merino wool sweater", 8900 },
  { "AP-7022", "キャンバススニーカー", "Canvas sneakers", 7900 },
  { "AP-7035", "ウォーキングシューズ", "Walking shoes", 11900 },
  { "AP-7048", "リュックサック 20L", "Backpack, 20 L", 9900 },
  { "AP-7051", "折りたたみ傘", "Folding umbrella", 2990 },
  { "BT-8004", "日焼け止め SPF50+", "Sunscreen SPF 50+", 1650 },
  { "BT-8012", "保湿クリーム", "Moisturising cream", 2750 },
  { "BT-8020", "ハンドクリーム", "Hand cream", 990 },
  { "ST-9001", "A5ノート 3冊パック", "A5 notebooks, pack of 3", 880 },
  { "ST-9010", "ゲルインクボールペン 10本セット", "Gel pens, pack of 10", 1100 },
  { "ST-9022", "LEDデスクライト", "LED desk lamp", 6480 },
  { "FD-1501", "緑茶ティーバッグ 50袋", "Green tea bags, 50 count", 1280 },
  { "FD-1512", "ドリップコーヒー詰め合わせ", "Drip coffee assortment", 2160 },
  { "FD-1520", "抹茶クッキー", "Matcha cookies", 1080 },
  { "GM-2201", "ボードゲーム", "Board game", 4400 },
  { "GM-2210", "ジグソーパズル 1000ピース", "1000-piece jigsaw puzzle", 2970 },
  { "OD-3301", "キャンプチェア", "Camping chair", 5980 },
  { "OD-3315", "ステンレスボトル 500ml", "Insulated bottle, 500 ml", 3280 },
  { "OD-3320", "LEDランタン", "LED lantern", 4380 },
  { "BB-5501", "ベビー用ブランケット", "Baby blanket", 3980 },
  { "PT-6601", "ペット用ベッド", "Pet bed", 5480 },
};

enum { REGION_JP, REGION_US, REGION_UK, N_REGIONS };

static const struct
{
  const char *prefix;   /* of order numbers */
  const char *currency;
  int         tz;       /* seconds east of UTC, for business hours */
} regions[N_REGIONS] = {
  { "JP", "JPY", 9 * 3600 },
  { "US", "USD", -5 * 3600 },
  { "UK", "GBP", 0 },
};

typedef struct
{
  const char        *name;
  int                region;
  guint              weight;   /* within its region */
  const char        *area;     /* landline area code (JP) or a US area code */
  const char *const *stores;
} Branch;

static const char *const stores_tokyo[] = { "tokyo-ginza", "tokyo-shinjuku", "tokyo-shibuya", "tokyo-ikebukuro", NULL };
static const char *const stores_osaka[] = { "osaka-umeda", "osaka-namba", "osaka-shinsaibashi", NULL };
static const char *const stores_nagoya[] = { "nagoya-sakae", "nagoya-meieki", NULL };
static const char *const stores_fukuoka[] = { "fukuoka-tenjin", "fukuoka-hakata", NULL };
static const char *const stores_sapporo[] = { "sapporo-odori", NULL };
static const char *const stores_sendai[] = { "sendai-ichibancho", NULL };
static const char *const stores_new_york[] = { "new-york-soho", "new-york-midtown", NULL };
static const char *const stores_chicago[] = { "chicago-loop", NULL };
static const char *const stores_sf[] = { "san-francisco-union-square", NULL };
static const char *const stores_london[] = { "london-covent-garden", "london-kings-cross", NULL };
static const char *const stores_manchester[] = { "manchester-arndale", NULL };

static const Branch branches[] = {
  { "tokyo", REGION_JP, 40, "3", stores_tokyo },
  { "osaka", REGION_JP, 24, "6", stores_osaka },
  { "nagoya", REGION_JP, 12, "52", stores_nagoya },
  { "fukuoka", REGION_JP, 10, "92", stores_fukuoka },
  { "sapporo", REGION_JP, 8, "11", stores_sapporo },
  { "sendai", REGION_JP, 6, "22", stores_sendai },
  { "new-york", REGION_US, 50, "212", stores_new_york },
  { "chicago", REGION_US, 25, "312", stores_chicago },
  { "san-francisco", REGION_US, 25, "415", stores_sf },
  { "london", REGION_UK, 70, NULL, stores_london },
  { "manchester", REGION_UK, 30, NULL, stores_manchester },
};

enum { Q_BILLING, Q_DELIVERY, Q_RETURNS, Q_TECHNICAL, Q_ACCOUNT, Q_VIP, Q_COMPLAINTS, N_QUEUES };

static const struct
{
  const char *name;
  const char *display_name;
  int         first_response_minutes;
  int         resolution_minutes;
  const char *handoff[2][2];  /* [ja, en][variant]: note when handing a ticket to this queue */
} queues[N_QUEUES] = {
  { "billing", "Billing & payments", 120, 2880,
    { { "返金処理の確認が必要なため請求チームへ引き継ぎます。カード明細はお客様に確認済みです。",
        "お支払い方法の変更手続きをお願いします。お客様には明日までに連絡すると伝えています。" },
      { "Needs a refund check, handing over to billing. The customer has already checked the card statement.",
        "Please change the payment method. I told the customer we would be in touch by tomorrow." } } },
  { "delivery", "Delivery", 60, 1440,
    { { "配送業者への調査依頼が必要です。追跡番号はチケットに記載済みです。",
        "再配達の日時調整をお願いします。お客様は平日19時以降を希望。" },
      { "Needs a trace with the carrier. The tracking number is in the ticket.",
        "Please arrange redelivery. The customer is home on weekdays after 7 pm." } } },
  { "returns", "Returns & exchanges", 240, 4320,
    { { "返品受付をお願いします。写真はメールで受領済み、返送ラベルは未発行です。",
        "交換品の在庫確認をお願いします。同じサイズの別の色でも可とのことです。" },
      { "Please take the return. Photos received by email; no return label sent yet.",
        "Please check stock for the exchange. Another colour in the same size is fine." } } },
  { "technical", "Technical support", 120, 2880,
    { { "初期化手順を案内しましたが改善しません。技術サポートで再現確認をお願いします。",
        "ファームウェア更新後から不具合が発生。ログはお客様から受領済みです。" },
      { "The reset steps did not help. Technical support, please try to reproduce it.",
        "Started after the firmware update. The customer has sent the log file." } } },
  { "account", "Account & membership", 60, 1440,
    { { "本人確認は済んでいます。アカウントのロック解除をお願いします。",
        "会員情報の統合依頼です。旧アカウントのポイント移行をお願いします。" },
      { "Identity verified. Please unlock the account.",
        "Asks to combine two memberships; please move the points from the old account." } } },
  { "vip", "VIP desk", 15, 480,
    { { "プラチナ会員のためVIPデスクへ。本日17時までの折り返しを希望されています。",
        "長年ご利用のお客様です。担当者を固定して対応をお願いします。" },
      { "Platinum member, moving to the VIP desk. Wants a call back before 5 pm today.",
        "Long-standing customer; please keep one person on this until it is done." } } },
  { "complaints", "Complaints", 30, 1440,
    { { "ご不満が強いため苦情窓口で対応をお願いします。責任者からの連絡を希望されています。",
        "二度目のお申し出です。これまでの経緯はチケットに時系列でまとめました。" },
      { "The customer is very unhappy; please handle this as a complaint. They want a call from a manager.",
        "Second time they have raised this. The history so far is summarised in the ticket." } } },
};

typedef struct
{
  const char *login;
  const char *name;
  const char *team;
  gboolean    supervisor;
  int         region;  /* whose customers they serve */
  const char *queues;  /* space separated */
} Agent;

static const Agent agents[] = {
  { "tky-001", "佐藤 美咲", "tokyo", FALSE, REGION_JP, "delivery returns" },
  { "tky-002", "鈴木 翔太", "tokyo", FALSE, REGION_JP, "billing account" },
  { "tky-003", "田中 結衣", "tokyo", FALSE, REGION_JP, "technical" },
  { "tky-004", "伊藤 健太", "tokyo", FALSE, REGION_JP, "delivery billing" },
  { "tky-005", "渡辺 彩", "tokyo", FALSE, REGION_JP, "returns complaints" },
  { "tky-006", "山本 直樹", "tokyo", FALSE, REGION_JP, "technical account" },
  { "tky-007", "中村 愛", "tokyo", FALSE, REGION_JP, "vip billing" },
  { "tky-008", "小林 大輔", "tokyo", FALSE, REGION_JP, "vip complaints delivery" },
  { "osk-001", "吉田 真央", "osaka", FALSE, REGION_JP, "delivery returns" },
  { "osk-002", "山田 拓也", "osaka", FALSE, REGION_JP, "billing" },
  { "osk-003", "松本 千尋", "osaka", FALSE, REGION_JP, "account technical" },
  { "osk-004", "井上 亮", "osaka", FALSE, REGION_JP, "complaints returns" },
  { "osk-005", "木村 七海", "osaka", FALSE, REGION_JP, "delivery account" },
  { "osk-006", "林 和也", "osaka", FALSE, REGION_JP, "technical billing" },
  { "lon-001", "Emma Clarke", "london", FALSE, REGION_UK, "delivery returns complaints" },
  { "lon-002", "Oliver Hughes", "london", FALSE, REGION_UK, "billing account" },
  { "lon-003", "Priya Patel", "london", FALSE, REGION_UK, "technical vip" },
  { "nyc-001", "Michael Torres", "new-york", FALSE, REGION_US, "delivery billing" },
  { "nyc-002", "Jessica Nguyen", "new-york", FALSE, REGION_US, "returns complaints account" },
  { "nyc-003", "Daniel Kim", "new-york", FALSE, REGION_US, "technical vip" },
  { "nyc-004", "Sarah Mitchell", "new-york", FALSE, REGION_US, "billing delivery returns" },
  { "tky-sv1", "高橋 由美子", "tokyo", TRUE, REGION_JP, "billing delivery returns technical account vip complaints" },
  { "osk-sv1", "岡田 浩二", "osaka", TRUE, REGION_JP, "billing delivery returns technical account vip complaints" },
  { "int-sv1", "Rachel Bennett", "london", TRUE, REGION_UK, "billing delivery returns technical account vip complaints" },
};

/* Ticket topics: what customers get in touch about */
typedef struct
{
  int         queue;
  const char *tag;
  const char *subject[2];     /* [ja, en] */
  const char *contact[2];     /* first contact; %s is an order */
  const char *resolution[2];  /* comment on the solving event */
} Topic;

static const Topic topics[] = {
  { Q_DELIVERY, "late-delivery",
    { "注文商品がまだ届かない", "Order has not arrived yet" },
    { "%sが到着予定日を過ぎても届かないとのお問い合わせ。配送状況を確認すると回答。",
      "Says %s is past its delivery date. Promised to check with the carrier." },
    { "配送業者の調査で営業所に保管中と判明。本日中に再配達、お客様に連絡済み。",
      "Carrier found the parcel held at the depot; redelivered today and the customer was told." } },
  { Q_DELIVERY, "address-change",
    { "配送先住所を変更したい", "Change of delivery address" },
    { "%sの配送先を勤務先に変更したいとのご依頼。",
      "Wants %s delivered to their office instead." },
    { "発送前だったため配送先を変更。変更後の確認メールを送付。",
      "Not shipped yet, so the address was changed and a confirmation sent." } },
  { Q_RETURNS, "damaged",
    { "商品が破損して届いた", "Item arrived damaged" },
    { "%sの商品が破損していたとのご連絡。写真の送付をお願いした。",
      "%s arrived damaged. Asked the customer for photos." },
    { "写真を確認し、代替品を発送。破損品の返送は不要と案内。",
      "Checked the photos and sent a replacement; no need to return the damaged one." } },
  { Q_RETURNS, "wrong-item",
    { "注文と違う商品が届いた", "Received the wrong item" },
    { "%sで注文と異なる商品が届いたとのこと。",
      "Received something different from what was ordered in %s." },
    { "正しい商品を発送し、誤配送品の回収を手配。",
      "Sent the right item and booked a pick-up for the wrong one." } },
  { Q_RETURNS, "return",
    { "返品の手続きについて", "How do I return an item?" },
    { "%sの返品方法について質問。返品条件を説明した。",
      "Asked how to return part of %s. Explained the returns policy." },
    { "返送ラベルを発行し、返金は商品到着後3営業日以内と案内。",
      "Issued a return label; refund within 3 working days of arrival." } },
  { Q_BILLING, "refund",
    { "返金がまだ反映されていない", "Refund not received yet" },
    { "%sの返金がカード明細に反映されていないとのお問い合わせ。",
      "The refund for %s is not on the card statement yet." },
    { "返金処理は完了済み。カード会社の反映まで最大2週間かかる旨を説明。",
      "Refund was processed; explained it can take up to two weeks to show." } },
  { Q_BILLING, "double-charge",
    { "クレジットカードに二重請求されている", "Charged twice on my card" },
    { "%sの代金が二重に請求されているとのご指摘。",
      "Says they were charged twice for %s." },
    { "与信の一時的な重複と確認。1件は自動的に取り消される旨を案内。",
      "It was a duplicate authorisation; one of them drops off automatically." } },
  { Q_BILLING, "invoice",
    { "領収書の再発行依頼", "Copy of the invoice needed" },
    { "%sの領収書を会社宛てで再発行してほしいとのご依頼。",
      "Needs a copy of the invoice for %s made out to their company." },
    { "宛名を変更した領収書をPDFで送付。",
      "Sent the corrected invoice as a PDF." } },
  { Q_ACCOUNT, "login",
    { "ログインできない", "Cannot log in" },
    { "パスワードを再設定してもログインできないとのお問い合わせ。",
      "Cannot log in even after resetting the password." },
    { "アカウントのロックを解除し、再ログインを確認。",
      "Unlocked the account and confirmed the customer can log in again." } },
  { Q_ACCOUNT, "points",
    { "ポイントが付与されていない", "Loyalty points missing" },
    { "%sのポイントが付与されていないとのお問い合わせ。",
      "Points for %s are missing from the account." },
    { "ポイントを手動で付与し、お詫びのメールを送付。",
      "Added the points by hand and sent an apology email." } },
  { Q_TECHNICAL, "app-crash",
    { "アプリが起動直後に終了する", "App closes right after starting" },
    { "アプリを更新してから起動直後に終了してしまうとのこと。端末はAndroid。",
      "The app closes right after starting since the last update. Android phone." },
    { "修正版アプリを案内し、更新後に正常に動作することを確認。",
      "Pointed them to the fixed release; works after updating." } },
  { Q_TECHNICAL, "setup",
    { "製品の初期設定がうまくいかない", "Trouble setting up the product" },
    { "%sで購入した製品の初期設定ができないとのお問い合わせ。",
      "Cannot get the product from %s set up." },
    { "電話で設定手順を一緒に確認し、接続できた。",
      "Went through the setup on the phone together; it connects now." } },
  { Q_COMPLAINTS, "staff",
    { "店舗スタッフの対応について", "Complaint about a store visit" },
    { "店舗での対応に不快な思いをしたとのお申し出。",
      "Unhappy with how they were treated at the store." },
    { "店長からお詫びの連絡をし、次回使えるクーポンを送付。",
      "The store manager called to apologise and sent a voucher." } },
};

/* Contacts that are not tickets */
typedef struct
{
  const char *channel;
  gboolean    outbound;
  char        mood;        /* '+', '0' or '-' */
  guint       weight;
  const char *summary[2];
  const char *body[2];     /* %s is an order */
} Contact;

static const Contact contacts[] = {
  { "phone", FALSE, '0', 10, { "配送状況の確認", "Delivery status" },
    { "%sの配送状況について問い合わせ。追跡番号を案内し、明日到着予定と伝えた。",
      "Asked about the delivery of %s. Gave the tracking number; due tomorrow." } },
  { "phone", FALSE, '+', 7, { "商品の使い方について", "How to use a product" },
    { "%sで購入した製品の使い方について質問。取扱説明書の該当ページを案内し、解決。",
      "Asked how to use something from %s. Walked through the manual; sorted." } },
  { "phone", TRUE, '0', 5, { "折り返しのご連絡", "Call back" },
    { "前回のお問い合わせについて折り返し。ご不在のため留守番電話にメッセージを残した。",
      "Called back about the earlier question. No answer; left a voicemail." } },
  { "phone", FALSE, '0', 4, { "住所変更", "Address change" },
    { "登録住所の変更依頼。本人確認のうえ変更した。",
      "Asked to update the registered address. Verified identity and changed it." } },
  { "email", FALSE, '0', 8, { "サイズ交換の相談", "Size exchange" },
    { "%sのサイズ交換が可能か問い合わせ。交換手順をメールで案内。",
      "Asked whether %s can be exchanged for another size. Sent the steps by email." } },
  { "email", TRUE, '0', 6, { "再入荷のお知らせ", "Back in stock" },
    { "お問い合わせいただいた商品の再入荷をご案内。",
      "Let the customer know the item they asked about is back in stock." } },
  { "email", FALSE, '0', 5, { "領収書の依頼", "Receipt request" },
    { "%sの領収書の発行依頼。PDFを送付した。",
      "Asked for a receipt for %s; sent the PDF." } },
  { "chat", FALSE, '0', 8, { "ポイント残高の確認", "Points balance" },
    { "チャットでポイント残高と有効期限を確認。",
      "Checked the points balance and expiry date in chat." } },
  { "chat", FALSE, '0', 5, { "注文のキャンセル", "Order cancellation" },
    { "%sのキャンセル希望。発送前だったためキャンセル処理を行った。",
      "Wanted to cancel %s. Not shipped yet, so it was cancelled." } },
  { "chat", FALSE, '+', 4, { "ギフト包装の相談", "Gift wrapping" },
    { "ギフト包装とメッセージカードの追加について相談。注文画面での指定方法を案内。",
      "Asked about gift wrap and a message card; showed where to add them at checkout." } },
  { "sms", TRUE, '0', 5, { "来店予約のリマインダー", "Appointment reminder" },
    { "明日の来店予約のリマインダーを送信。",
      "Sent a reminder for tomorrow's store appointment." } },
  { "sms", TRUE, '0', 5, { "配達予定のお知らせ", "Delivery notice" },
    { "%sの配達予定日時をSMSで通知。",
      "Texted the delivery window for %s." } },
  { "store", FALSE, '+', 6, { "店頭での試用", "Tried products in store" },
    { "店頭で商品を試用。在庫を確認し、取り置きを手配した。",
      "Tried a few products in store; checked stock and put one on hold." } },
  { "store", FALSE, '0', 3, { "修理の受付", "Repair drop-off" },
    { "製品の修理を店頭で受け付け、お預かり票を発行。",
      "Took a product in for repair at the counter and issued a receipt." } },
  { "web", FALSE, '0', 5, { "お問い合わせフォーム", "Contact form" },
    { "フォームより、ギフト包装の可否について質問。",
      "Asked through the contact form whether gift wrapping is available." } },
  { "social", FALSE, '0', 3, { "SNSでのお問い合わせ", "Direct message" },
    { "SNSのダイレクトメッセージで新商品の発売日について質問。",
      "Asked by direct message when the new product line launches." } },
  { "social", FALSE, '+', 2, { "SNSでのお礼", "Thank-you message" },
    { "スタッフの対応へのお礼のメッセージをいただいた。",
      "Sent a thank-you message about the help they got from the team." } },
};

/* Contacts of customers who are running out of patience */
static const Contact complaints[] = {
  { "phone", FALSE, '-', 1, { "配送遅延への苦情", "Complaint about a late delivery" },
    { "%sが予定日を過ぎても届かないと強いご不満。調査して進捗を連絡すると約束した。",
      "Very unhappy that %s is past its delivery date. Promised to investigate and call back." } },
  { "email", FALSE, '-', 1, { "返信の遅さへの不満", "Unhappy about slow replies" },
    { "前回の問い合わせに返信がないとのご指摘。お詫びし、本日中に担当者から連絡すると回答。",
      "Says nobody answered the last message. Apologised and promised a reply today." } },
  { "chat", FALSE, '-', 1, { "同じ説明の繰り返しへの不満", "Tired of repeating the story" },
    { "担当者が変わるたびに同じ説明をさせられるとのご不満。これまでの経緯を確認して対応。",
      "Complained about explaining the problem again to every new person. Read back the history and carried on." } },
  { "phone", FALSE, '-', 1, { "退会の意向", "Thinking of leaving" },
    { "度重なるトラブルのため退会したいとのこと。お詫びのクーポンを案内したが検討中。",
      "Wants to cancel the membership after repeated problems. Offered a voucher; they will think about it." } },
  { "social", FALSE, '-', 1, { "SNSでの苦情", "Complaint on social media" },
    { "%sについての不満をSNSに投稿。ダイレクトメッセージで連絡し、詳細を伺った。",
      "Posted a complaint about %s. Reached out by direct message to get the details." } },
};

static const char *const notes_text[2][16] = {
  { "平日の日中は連絡がつきにくい。夕方18時以降の電話を希望。",
    "耳が聞こえにくいため、電話よりメールでの連絡を希望。",
    "法人名義での領収書を希望されることが多い。",
    "過去に配送トラブルあり。発送時は必ず追跡番号を案内すること。",
    "ギフト用途の購入が多い。包装の有無を必ず確認。",
    "食物アレルギーあり。食品をおすすめする際は原材料を確認。",
    "英語での対応も可能。",
    "衣類の返品が多い。サイズ表を丁寧に案内すること。",
    "店舗受け取りを好まれる。",
    "毎年3月にお子様の誕生日プレゼントを購入される。",
    "前回の苦情はクーポンで解決済み。再発時はすぐに責任者へ。",
    "プラチナ会員特典の説明を希望。次回連絡時に案内すること。",
    "配送の連絡はSMSを希望。",
    "午前10時より前の電話は控えること。",
    "ゆっくり話すと伝わりやすい。",
    "ご家族名義の注文もまとめて問い合わせされることがある。" },
  { "Hard to reach during the day; prefers calls after 6 pm.",
    "Hard of hearing: prefers email to phone calls.",
    "Usually needs invoices made out to their company.",
    "Had delivery problems before: always send the tracking number.",
    "Buys a lot of gifts: always ask about gift wrapping.",
    "Food allergies: check the ingredients before recommending snacks.",
    "Speaks some Japanese; happy with either language.",
    "Returns a lot of clothing: go through the size chart carefully.",
    "Likes to pick orders up in store.",
    "Buys a birthday present for their daughter every March.",
    "Earlier complaint settled with a voucher; go to a supervisor straight away if it happens again.",
    "Asked about platinum benefits; explain them on the next contact.",
    "Prefers text messages for delivery updates.",
    "Please do not call before 10 am.",
    "Speak slowly and clearly on the phone.",
    "Sometimes calls about orders placed by family members too." },
};

static const char *const comment_open[2][3] = {
  { "内容を確認しました。調査を開始します。", "担当します。お客様に受付の連絡をしました。", "注文履歴を確認中です。" },
  { "Picked up; looking into it.", "Taking this one. Sent the customer an acknowledgement.", "Checking the order history now." },
};
static const char *const comment_pending[2][3] = {
  { "お客様からの返信待ち。", "写真の送付をお願いしました。返信待ちです。", "倉庫からの回答待ち。" },
  { "Waiting for the customer to reply.", "Asked the customer for photos; waiting.", "Waiting for the warehouse to get back to us." },
};
static const char *const comment_reopen[2] = {
  "お客様から返信あり。対応を再開します。", "The customer replied; picking it up again.",
};
static const char *const comment_priority[2][2] = {
  { "お客様が大変お困りのため優先度を上げます。", "二度目のお問い合わせのため優先度を上げます。" },
  { "Raising the priority: the customer is stuck.", "Second contact about this, raising the priority." },
};
static const char *const comment_closed[2] = {
  "解決から一定期間返信がないためクローズ。", "Closed after a week with no further reply.",
};
static const char *const followup[2][2] = {
  { "解決のご連絡", "対応完了をお客様に連絡し、了承いただいた。" },
  { "Resolution follow-up", "Let the customer know it is sorted; they were happy with that." },
};

static const char *const survey_comment[2][3][3] = {
  { { "何度も同じ説明をさせられた。", "返信が遅すぎる。", "結局解決していない。" },
    { "普通の対応でした。", "もう少し早いと助かります。", "特にありません。" },
    { "迅速に対応していただき助かりました。", "丁寧な説明でよく分かりました。", "すぐに解決して満足です。" } },
  { { "Had to explain everything twice.", "Took far too long to hear back.", "Still not fixed." },
    { "It was fine.", "A bit quicker would be nice.", "Nothing to add." },
    { "Quick and friendly, thank you.", "Clear explanation, problem solved.", "Sorted out in one call." } },
};
static const char *const nps_comment[2][3] = {
  { "最近の対応には不満がある。", "商品は良いが配送が遅い。", "友人にも勧めたい。" },
  { "Service has gone downhill lately.", "Good products, slow delivery.", "Would recommend to friends." },
};

static const char *const purposes[] = {
  "marketing_email", "marketing_sms", "marketing_phone",
  "profiling", "third_party_sharing", "call_recording",
};
/* chance, in percent, that a customer has a consent history for each purpose */
static const guint purpose_chance[] = { 55, 25, 14, 28, 10, 16 };

static const char *const consent_sources[] = { "web", "app", "store", "phone", "email", "agent" };
static const char *const grant_evidence[] = {
  "signup form checkbox (web)", "preference screen in the app", "signed paper form at the counter",
  "verbal consent on a recorded call", "double opt-in link confirmed", "consent form scanned by staff",
};
static const char *const withdraw_evidence[] = {
  "preference centre (web)", "preference screen in the app", "request at the counter",
  "verbal request on a call", "unsubscribe link in a newsletter", "request passed on by staff",
};

static const char *const tiers[] = { "standard", "silver", "gold", "platinum" };
static const guint tier_weights[] = { 60, 25, 11, 4 };

static const char *const pref_channels[] = { "phone", "email", "chat", "sms", "app", "store" };
static const guint pref_weights[] = { 24, 32, 12, 7, 15, 10 };

static const char *const customer_tags[] = {
  "newsletter", "gift-buyer", "app-user", "frequent-returner", "student",
  "senior", "early-adopter", "accessibility", "store-pickup", "corporate",
};

static const char *const ticket_channels[] = { "phone", "email", "chat", "web", "store", "social" };
static const guint ticket_channel_weights[] = { 30, 30, 20, 12, 5, 3 };

static const char *const order_channels[] = { "web", "app", "store", "phone" };
static const guint order_channel_weights[] = { 40, 30, 20, 10 };

/* Activity multipliers: most customers are quiet, a few are busy */
static const double activity_factor[] = { 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.5, 2.0, 3.0, 5.0 };
static const guint activity_weights[] = { 10, 14, 15, 15, 13, 11, 9, 7, 4, 2 };

/* ------------------------------------------------------------------ */
/* PRNG: xoshiro256** seeded by splitmix64                            */
/* ------------------------------------------------------------------ */

typedef struct
{
  guint64 s[4];
} Rng;

static inline guint64
splitmix64 (guint64 *x)
{
  guint64 z = (*x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static void
rng_seed (Rng     *rng,
          guint64  a,
          guint64  b)
{
  guint64 x = a * G_GUINT64_CONSTANT (0xd1b54a32d192ed03) ^ splitmix64 (&b);

  for (guint i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
}

static inline guint64
rotl (guint64 x,
      int     k)
{
  return (x << k) | (x >> (64 - k));
}

static inline guint64
rng_next (Rng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

/* 0 <= result < n */
static inline guint32
rng_below (Rng     *rng,
           guint32  n)
{
  return (guint32) (((rng_next (rng) >> 32) * (guint64) n) >> 32);
}

/* 0 <= result < 1 */
static inline double
rng_unit (Rng *rng)
{
  return (double) (rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);
}

static inline gboolean
rng_percent (Rng   *rng,
             guint  percent)
{
  return rng_below (rng, 100) < percent;
}

/* lo <= result < hi */
static inline gint64
rng_range (Rng    *rng,
           gint64  lo,
           gint64  hi)
{
  if (hi <= lo)
    return lo;
  return lo + (gint64) (rng_next (rng) % (guint64) (hi - lo));
}

static guint
rng_weighted (Rng         *rng,
              const guint *weights,
              guint        n)
{
  guint total = 0;
  guint pick;

  for (guint i = 0; i < n; i++)
    total += weights[i];
  pick = rng_below (rng, total);
  for (guint i = 0; i < n; i++)
    {
      if (pick < weights[i])
        return i;
      pick -= weights[i];
    }
  return n - 1;
}

/* A count with the given mean: uniform on [0, 2 * mean] and rounded so
 * that the mean is exact.  No libm, so results never depend on it. */
static guint
rng_count (Rng    *rng,
           double  mean)
{
  return (guint) (rng_unit (rng) * 2.0 * mean + rng_unit (rng));
}

#define PICK(rng, array) ((array)[rng_below ((rng), G_N_ELEMENTS (array))])
#define WEIGHTED(rng, values, weights) \
  ((values)[rng_weighted ((rng), (weights), G_N_ELEMENTS (weights))])

/* ------------------------------------------------------------------ */
/* Text helpers                                                       */
/* ------------------------------------------------------------------ */

static const char hex_digits[] = "0123456789abcdef";

/* @prefix followed by a lowercase UUIDv4 made from @rng */
static void
make_id (Rng        *rng,
         const char *prefix,
         char       *out)
{
  guint64 hi = rng_next (rng);
  guint64 lo = rng_next (rng);
  guint8 bytes[16];
  gsize len = strlen (prefix);
  char *p;

  for (guint i = 0; i < 8; i++)
    {
      bytes[i] = (guint8) (hi >> (56 - 8 * i));
      bytes[8 + i] = (guint8) (lo >> (56 - 8 * i));
    }
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;

  memcpy (out, prefix, len);
  p = out + len;
  for (guint i = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        *p++ = '-';
      *p++ = hex_digits[bytes[i] >> 4];
      *p++ = hex_digits[bytes[i] & 0xf];
    }
  *p = '\0';
}

static void
civil_from_days (gint64  days,
                 int    *year,
                 int    *month,
                 int    *day)
{
  gint64 z = days + 719468;
  gint64 era = (z >= 0 ? z : z - 146096) / 146097;
  gint64 doe = z - era * 146097;
  gint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  gint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  gint64 mp = (5 * doy + 2) / 153;

  *day = (int) (doy - (153 * mp + 2) / 5 + 1);
  *month = (int) (mp < 10 ? mp + 3 : mp - 9);
  *year = (int) (yoe + era * 400 + (*month <= 2));
}

static inline char *
put_digits (char *p,
            int   value,
            int   width)
{
  for (int i = width - 1; i >= 0; i--)
    {
      p[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  return p + width;
}

/* RFC 3339 UTC, second precision: 2026-11-23T09:41:07Z */
static void
format_time (gint64  secs,
             char   *out)
{
  gint64 days = secs >= 0 ? secs / DAY : (secs - DAY + 1) / DAY;
  int sod = (int) (secs - days * DAY);
  int y, m, d;
  char *p = out;

  civil_from_days (days, &y, &m, &d);
  p = put_digits (p, y, 4);
  *p++ = '-';
  p = put_digits (p, m, 2);
  *p++ = '-';
  p = put_digits (p, d, 2);
  *p++ = 'T';
  p = put_digits (p, sod / 3600, 2);
  *p++ = ':';
  p = put_digits (p, sod / 60 % 60, 2);
  *p++ = ':';
  p = put_digits (p, sod % 60, 2);
  *p++ = 'Z';
  *p = '\0';
}

/* Replaces the first "%s" of @tmpl by @arg */
static void
fill (char       *out,
      gsize       size,
      const char *tmpl,
      const char *arg)
{
  const char *mark = strstr (tmpl, "%s");

  if (mark == NULL)
    g_strlcpy (out, tmpl, size);
  else
    {
      gsize head = MIN ((gsize) (mark - tmpl), size - 1);

      memcpy (out, tmpl, head);
      out[head] = '\0';
      g_strlcat (out, arg, size);
      g_strlcat (out, mark + 2, size);
    }
}

/* Hepburn romanisation of the hiragana readings, for e-mail addresses */
static const char *const kana_romaji[] = {
  "a", "a", "i", "i", "u", "u", "e", "e", "o", "o",
  "ka", "ga", "ki", "gi", "ku", "gu", "ke", "ge", "ko", "go",
  "sa", "za", "shi", "ji", "su", "zu", "se", "ze", "so", "zo",
  "ta", "da", "chi", "ji", "", "tsu", "zu", "te", "de", "to", "do",
  "na", "ni", "nu", "ne", "no",
  "ha", "ba", "pa", "hi", "bi", "pi", "fu", "bu", "pu", "he", "be", "pe", "ho", "bo", "po",
  "ma", "mi", "mu", "me", "mo",
  "ya", "ya", "yu", "yu", "yo", "yo",
  "ra", "ri", "ru", "re", "ro",
  "wa", "wa", "i", "e", "o", "n", "vu",
};

static inline gboolean
is_vowel (char c)
{
  return c == 'a' || c == 'i' || c == 'u' || c == 'e' || c == 'o';
}

static char *
romanise (const char *kana)
{
  GString *s = g_string_new (NULL);
  gboolean sokuon = FALSE;
  char *out, *q;

  for (const char *p = kana; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *r;

      if (c < 0x3041 || c > 0x3094)
        continue;
      if (c == 0x3063)  /* small tsu doubles the next consonant */
        {
          sokuon = TRUE;
          continue;
        }
      r = kana_romaji[c - 0x3041];
      if (c == 0x3083 || c == 0x3085 || c == 0x3087)  /* small ya, yu, yo */
        {
          if (s->len > 0 && s->str[s->len - 1] == 'i')
            {
              g_string_truncate (s, s->len - 1);
              if (!(g_str_has_suffix (s->str, "sh") || g_str_has_suffix (s->str, "ch") ||
                    g_str_has_suffix (s->str, "j")))
                g_string_append_c (s, 'y');
              g_string_append_c (s, r[1]);
              continue;
            }
        }
      if (sokuon)
        {
          g_string_append_c (s, r[0] == 'c' ? 't' : r[0]);
          sokuon = FALSE;
        }
      g_string_append (s, r);
    }

  /* Long vowels as people write them in addresses: Satou -> sato, Yuuki -> yuki,
   * but Inoue and Matsuura keep theirs because the u starts the next syllable. */
  out = g_string_free (s, FALSE);
  q = out;
  for (const char *p = out; *p; p++)
    {
      *q++ = *p;
      if ((p[0] == 'o' && (p[1] == 'u' || p[1] == 'o') && !is_vowel (p[2])) ||
          (p[0] == 'u' && p[1] == 'u' && !(p - out >= 2 && p[-2] == 't' && p[-1] == 's')))
        p++;
    }
  *q = '\0';
  return out;
}

static char *
latin_lower (const char *name)
{
  GString *s = g_string_new (NULL);

  for (const char *p = name; *p; p++)
    if (g_ascii_isalpha (*p))
      g_string_append_c (s, g_ascii_tolower (*p));
  return g_string_free (s, FALSE);
}

static char **ja_family_romaji;
static char **ja_given_romaji;
static char **en_family_lower;
static char **en_given_lower;

static void
init_tables (void)
{
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      ja_family_romaji = g_new (char *, G_N_ELEMENTS (ja_family));
      for (guint i = 0; i < G_N_ELEMENTS (ja_family); i++)
        ja_family_romaji[i] = romanise (ja_family[i].kana);
      ja_given_romaji = g_new (char *, G_N_ELEMENTS (ja_given));
      for (guint i = 0; i < G_N_ELEMENTS (ja_given); i++)
        ja_given_romaji[i] = romanise (ja_given[i].kana);
      en_family_lower = g_new (char *, G_N_ELEMENTS (en_family));
      for (guint i = 0; i < G_N_ELEMENTS (en_family); i++)
        en_family_lower[i] = latin_lower (en_family[i]);
      en_given_lower = g_new (char *, G_N_ELEMENTS (en_given));
      for (guint i = 0; i < G_N_ELEMENTS (en_given); i++)
        en_given_lower[i] = latin_lower (en_given[i]);
      g_once_init_leave (&initialised, 1);
    }
}

static gboolean
has_word (const char *list,
          const char *word)
{
  gsize len = strlen (word);

  for (const char *p = list; (p = strstr (p, word)) != NULL; p += len)
    if ((p == list || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0'))
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* The generator                                                      */
/* ------------------------------------------------------------------ */

#define ORDER_RING 16
#define N_AGENTS G_N_ELEMENTS (agents)

enum { LANG_JA, LANG_EN };
enum { ST_NEW, ST_OPEN, ST_PENDING, ST_SOLVED, ST_CLOSED };
enum { TIER_STANDARD, TIER_SILVER, TIER_GOLD, TIER_PLATINUM };

static const char *const statuses[] = { "new", "open", "pending", "solved", "closed" };
static const char *const priorities[] = { "low", "normal", "high", "urgent" };
static const guint priority_weights[] = { 20, 55, 20, 5 };

typedef struct
{
  char   number[24];
  gint64 at;
} OrderRef;

typedef struct
{
  RpDemoEmitFunc emit;
  gpointer       user_data;
  guint64        seed;
  gint64         now;             /* seconds */
  int            now_month;       /* year * 12 + month - 1 */
  guint          n_heavy;
  guint          heavy_stride;
  guint32        ticket_counter;
  guint32        order_counter[N_REGIONS][64];
  guint32        order_offset[N_REGIONS][64];
  guint64        email_modulus;
  guint64        email_offset;
  guint64        mobile_offset;
  guint64        line_offset;
  guint8         by_queue_n[N_QUEUES][N_REGIONS];
  guint8         by_queue[N_QUEUES][N_REGIONS][N_AGENTS];
  guint8         by_region_n[N_REGIONS];
  guint8         by_region[N_REGIONS][N_AGENTS];
  GPtrArray     *docs;            /* of the current customer */
} Gen;

typedef struct
{
  guint         index;
  char          id[48];
  int           lang;
  int           region;
  const Branch *branch;
  gint64        member_since;
  gint64        start;            /* no event before this */
  double        activity;
  int           tier;
  gboolean      heavy;
  gboolean      unhappy;
  gint64        lifetime_value;
  OrderRef      orders[ORDER_RING];
  guint         n_orders;
  guint32       notes_used;       /* bit mask over notes_text */
} Cust;

static JsonObject *
doc_new (const char *id,
         const char *type,
         gint64      at)
{
  JsonObject *obj = json_object_new ();
  char stamp[32];

  format_time (at, stamp);
  json_object_set_string_member (obj, "_id", id);
  json_object_set_string_member (obj, "type", type);
  json_object_set_int_member (obj, "schema", 1);
  json_object_set_string_member (obj, "at", stamp);
  return obj;
}

static void
set_time (JsonObject *obj,
          const char *member,
          gint64      at)
{
  char stamp[32];

  format_time (at, stamp);
  json_object_set_string_member (obj, member, stamp);
}

static void
set_nullable (JsonObject *obj,
              const char *member,
              const char *value)
{
  if (value != NULL)
    json_object_set_string_member (obj, member, value);
  else
    json_object_set_null_member (obj, member);
}

static void
push (Gen        *g,
      JsonObject *obj)
{
  JsonNode *node = json_node_alloc ();

  json_node_init_object (node, obj);
  json_object_unref (obj);
  g_ptr_array_add (g->docs, node);
}

/* Agents of the customer's region who work @queue */
static const char *
pick_agent (Gen  *g,
            Rng  *r,
            int   queue,
            Cust *c)
{
  return agents[g->by_queue[queue][c->region][rng_below (r, g->by_queue_n[queue][c->region])]].login;
}

static const char *
pick_any_agent (Gen  *g,
                Rng  *r,
                Cust *c)
{
  return agents[g->by_region[c->region][rng_below (r, g->by_region_n[c->region])]].login;
}

/* Moves @t to the same local day during opening hours (8:00–21:00 where the
 * customer lives), so that calls do not happen at 3 a.m. */
static gint64
business_hours (Gen    *g,
                Rng    *r,
                Cust   *c,
                gint64  t)
{
  int tz = regions[c->region].tz;
  gint64 local = t + tz;
  gint64 day = local >= 0 ? local / DAY : (local - DAY + 1) / DAY;
  gint64 result = day * DAY + 8 * HOUR + rng_range (r, 0, 13 * HOUR) - tz;

  if (result > g->now)
    result -= DAY;
  if (result < c->start)
    result = t;
  return result;
}

/* A moment in the customer's history, denser in recent weeks */
static gint64
sample_time (Gen  *g,
             Rng  *r,
             Cust *c)
{
  gint64 span = g->now - c->start;
  double u = rng_unit (r);
  gint64 t;

  if (span <= DAY)
    return c->start + rng_range (r, 0, MAX (span, 1));
  if (rng_percent (r, 22))
    t = g->now - (gint64) (u * (double) MIN (span, 28 * DAY));
  else
    t = g->now - (gint64) (u * (0.35 + 0.65 * u) * (double) span);
  return business_hours (g, r, c, t);
}

/* The text of an order the customer had placed by @t, to quote in a note */
static const char *
order_phrase (Cust   *c,
              gint64  t,
              char   *buf,
              gsize   size)
{
  const OrderRef *best = NULL;

  for (guint i = 0; i < MIN (c->n_orders, ORDER_RING); i++)
    if (c->orders[i].at <= t && (best == NULL || c->orders[i].at > best->at))
      best = &c->orders[i];

  if (best == NULL)
    return c->lang == LANG_JA ? "先日の注文" : "a recent order";
  if (c->lang == LANG_JA)
    g_snprintf (buf, size, "注文%s", best->number);
  else
    g_snprintf (buf, size, "order %s", best->number);
  return buf;
}

static gint64
price_in (const Product *product,
          int            region)
{
  switch (region)
    {
    case REGION_US:
      return MAX ((product->jpy + 75) / 150, 1) * 100 - 1;
    case REGION_UK:
      return MAX ((product->jpy + 95) / 190, 1) * 100 - 1;
    default:
      return product->jpy;
    }
}

static void
gen_order (Gen    *g,
           Rng    *r,
           Cust   *c,
           gint64  at)
{
  static const guint item_weights[] = { 55, 28, 12, 5 };
  static const guint quantity_weights[] = { 80, 15, 5 };
  JsonObject *obj;
  JsonArray *items;
  const char *channel;
  const char *status;
  char number[24], id[40];
  guint picked[4];
  guint n_items;
  gint64 total = 0;
  gint64 age = g->now - at;
  gint64 days = at / DAY;
  int y, m, d, back;
  guint32 seq;

  civil_from_days (days, &y, &m, &d);
  back = CLAMP (g->now_month - (y * 12 + m - 1), 0, 63);
  /* Numbers look random within their month (as many shops make them), so one
   * customer's orders are not neighbours; past a million a month they run on
   * with seven digits, still unique. */
  seq = ++g->order_counter[c->region][back];
  if (seq < 1000000)
    seq = (guint32) (((guint64) seq * 387420489 + g->order_offset[c->region][back]) % 1000000);
  g_snprintf (number, sizeof number, "%s-%02d%02d-%06u", regions[c->region].prefix, y % 100, m, seq);
  g_snprintf (id, sizeof id, "order:%s", number);

  channel = WEIGHTED (r, order_channels, order_channel_weights);
  if (strcmp (channel, "store") == 0)
    status = rng_percent (r, 95) ? "delivered" : "returned";
  else if (age < DAY)
    status = rng_percent (r, 40) ? "placed" : "paid";
  else if (age < 3 * DAY)
    {
      static const char *const s[] = { "paid", "shipped", "cancelled" };
      static const guint w[] = { 30, 60, 10 };
      status = WEIGHTED (r, s, w);
    }
  else if (age < 10 * DAY)
    {
      static const char *const s[] = { "shipped", "delivered", "cancelled" };
      static const guint w[] = { 25, 70, 5 };
      status = WEIGHTED (r, s, w);
    }
  else
    {
      static const char *const s[] = { "delivered", "cancelled", "returned", "refunded" };
      static const guint w[] = { 84, 5, 6, 5 };
      status = WEIGHTED (r, s, w);
    }

  obj = doc_new (id, "order", at);
  json_object_set_string_member (obj, "customer_id", c->id);
  json_object_set_string_member (obj, "number", number);
  json_object_set_string_member (obj, "channel", channel);
  if (strcmp (channel, "store") == 0)
    {
      const char *const *stores = c->branch->stores;
      guint n = g_strv_length ((char **) stores);
      json_object_set_string_member (obj, "store", stores[rng_below (r, n)]);
    }
  else
    json_object_set_null_member (obj, "store");
  json_object_set_string_member (obj, "status", status);

  items = json_array_sized_new (4);
  n_items = rng_weighted (r, item_weights, G_N_ELEMENTS (item_weights)) + 1;
  for (guint i = 0; i < n_items; i++)
    {
      JsonObject *item = json_object_new ();
      gboolean again;
      guint p;
      gint64 quantity = rng_weighted (r, quantity_weights, G_N_ELEMENTS (quantity_weights)) + 1;
      gint64 unit_price;

      do
        {
          p = rng_below (r, G_N_ELEMENTS (products));
          again = FALSE;
          for (guint j = 0; j < i; j++)
            again |= picked[j] == p;
        }
      while (again);
      picked[i] = p;

      unit_price = price_in (&products[p], c->region);
      total += unit_price * quantity;
      json_object_set_string_member (item, "sku", products[p].sku);
      json_object_set_string_member (item, "name", c->lang == LANG_JA ? products[p].ja : products[p].en);
      json_object_set_int_member (item, "quantity", quantity);
      json_object_set_int_member (item, "unit_price", unit_price);
      json_array_add_object_element (items, item);
    }
  json_object_set_array_member (obj, "items", items);
  json_object_set_int_member (obj, "total", total);
  json_object_set_string_member (obj, "currency", regions[c->region].currency);
  push (g, obj);

  /* Lifetime value counts what the customer paid and kept */
  if (strcmp (status, "paid") == 0 || strcmp (status, "shipped") == 0 ||
      strcmp (status, "delivered") == 0)
    c->lifetime_value += total;

  g_strlcpy (c->orders[c->n_orders % ORDER_RING].number, number, sizeof c->orders[0].number);
  c->orders[c->n_orders % ORDER_RING].at = at;
  c->n_orders++;
}

static void
add_interaction (Gen        *g,
                 Rng        *r,
                 Cust       *c,
                 gint64      at,
                 const char *channel,
                 gboolean    outbound,
                 const char *agent,
                 const char *summary,
                 const char *body,
                 char        mood,
                 const char *ticket_id)
{
  JsonObject *obj;
  const char *sentiment = NULL;
  char id[64];

  make_id (r, "interaction:", id);
  obj = doc_new (id, "interaction", at);
  json_object_set_string_member (obj, "customer_id", c->id);
  if (ticket_id != NULL)
    json_object_set_string_member (obj, "ticket_id", ticket_id);
  json_object_set_string_member (obj, "channel", channel);
  json_object_set_string_member (obj, "direction", outbound ? "outbound" : "inbound");
  set_nullable (obj, "agent", agent);
  json_object_set_string_member (obj, "summary", summary);
  json_object_set_string_member (obj, "body", body);
  if (strcmp (channel, "phone") == 0)
    json_object_set_int_member (obj, "duration_s",
                                mood == '-' ? rng_range (r, 300, 1800) : rng_range (r, 45, 900));

  if (mood == '-')
    sentiment = rng_percent (r, 85) ? "negative" : "neutral";
  else if (!rng_percent (r, 12))
    {
      if (mood == '+')
        sentiment = rng_percent (r, 80) ? "positive" : "neutral";
      else if (c->unhappy && at > g->now - 60 * DAY)
        sentiment = rng_percent (r, 55) ? "negative" : "neutral";
      else
        {
          static const char *const s[] = { "positive", "neutral", "negative" };
          static const guint w[] = { 22, 65, 13 };
          sentiment = WEIGHTED (r, s, w);
        }
    }
  if (sentiment != NULL)
    json_object_set_string_member (obj, "sentiment", sentiment);
  push (g, obj);
}

static void
gen_contact (Gen           *g,
             Rng           *r,
             Cust          *c,
             const Contact *k,
             gint64         at)
{
  const char *agent = NULL;
  char phrase_buf[64], body[512];

  if (k->outbound || !(strcmp (k->channel, "web") == 0 || strcmp (k->channel, "social") == 0) ||
      rng_percent (r, 50))
    agent = pick_any_agent (g, r, c);
  fill (body, sizeof body, k->body[c->lang], order_phrase (c, at, phrase_buf, sizeof phrase_buf));
  add_interaction (g, r, c, at, k->channel, k->outbound, agent, k->summary[c->lang], body,
                   k->mood, NULL);
}

static const Contact *
pick_contact (Rng *r)
{
  static guint total = 0;
  guint pick;

  if (total == 0)
    for (guint i = 0; i < G_N_ELEMENTS (contacts); i++)
      total += contacts[i].weight;
  pick = rng_below (r, total);
  for (guint i = 0; i < G_N_ELEMENTS (contacts); i++)
    {
      if (pick < contacts[i].weight)
        return &contacts[i];
      pick -= contacts[i].weight;
    }
  return &contacts[0];
}

static JsonObject *
ticket_event_new (Rng        *r,
                  Cust       *c,
                  const char *ticket_id,
                  gint64      at,
                  const char *author)
{
  JsonObject *obj;
  char id[64];

  make_id (r, "ticket_event:", id);
  obj = doc_new (id, "ticket_event", at);
  json_object_set_string_member (obj, "ticket_id", ticket_id);
  json_object_set_string_member (obj, "customer_id", c->id);
  json_object_set_string_member (obj, "author", author);
  return obj;
}

static void
finish_event (Gen        *g,
              JsonObject *obj,
              JsonObject *changes,
              const char *comment,
              const char *handoff)
{
  json_object_set_object_member (obj, "changes", changes);
  set_nullable (obj, "comment", comment);
  set_nullable (obj, "handoff", handoff);
  push (g, obj);
}

static void
add_survey (Gen        *g,
            Rng        *r,
            Cust       *c,
            gint64      at,
            const char *ticket_id,
            gboolean    unhappy)
{
  JsonObject *obj;
  char id[64];
  gint64 score;
  int mood;

  make_id (r, "survey:", id);
  obj = doc_new (id, "survey", at);
  json_object_set_string_member (obj, "customer_id", c->id);
  if (ticket_id != NULL)
    {
      static const guint happy[] = { 3, 4, 10, 33, 50 };
      static const guint sad[] = { 35, 30, 20, 10, 5 };

      json_object_set_string_member (obj, "ticket_id", ticket_id);
      json_object_set_string_member (obj, "kind", "csat");
      score = rng_weighted (r, unhappy ? sad : happy, 5) + 1;
      mood = score <= 2 ? 0 : score == 3 ? 1 : 2;
      json_object_set_int_member (obj, "score", score);
      if (rng_percent (r, 60))
        json_object_set_string_member (obj, "comment", PICK (r, survey_comment[c->lang][mood]));
      else
        json_object_set_null_member (obj, "comment");
    }
  else
    {
      json_object_set_string_member (obj, "kind", "nps");
      if (unhappy)
        score = rng_range (r, 0, 7);
      else
        {
          static const guint w[] = { 1, 1, 1, 2, 2, 4, 5, 12, 18, 24, 30 };
          score = rng_weighted (r, w, G_N_ELEMENTS (w));
        }
      mood = score <= 6 ? 0 : score <= 8 ? 1 : 2;
      json_object_set_int_member (obj, "score", score);
      if (rng_percent (r, 50))
        json_object_set_string_member (obj, "comment", nps_comment[c->lang][mood]);
      else
        json_object_set_null_member (obj, "comment");
    }
  push (g, obj);
}

static void
sort_times (gint64 *times,
            guint   n)
{
  for (guint i = 1; i < n; i++)
    for (guint j = i; j > 0 && times[j - 1] > times[j]; j--)
      {
        gint64 tmp = times[j];
        times[j] = times[j - 1];
        times[j - 1] = tmp;
      }
}

enum { STEP_PRIORITY, STEP_REASSIGN, STEP_PENDING, STEP_REOPEN };

static void
gen_ticket (Gen      *g,
            Rng      *r,
            Cust     *c,
            gboolean  recent)
{
  const Topic *topic;
  int lang = c->lang;
  int queue, priority, status, final;
  gint64 fr, res, at, age, t, end, solve_at = 0;
  const char *channel, *assignee = NULL;
  JsonObject *obj, *changes;
  JsonArray *tags;
  char ticket_id[64], number[16], phrase_buf[64], body[512];
  int steps[4];
  gint64 times[4];
  guint n_steps = 0;

  if (c->unhappy && rng_percent (r, 35))
    topic = &topics[G_N_ELEMENTS (topics) - 1];
  else
    topic = &topics[rng_below (r, G_N_ELEMENTS (topics))];
  queue = topic->queue;
  if (c->tier == TIER_PLATINUM && rng_percent (r, 60))
    queue = Q_VIP;
  fr = (gint64) queues[queue].first_response_minutes * 60;
  res = (gint64) queues[queue].resolution_minutes * 60;

  if (recent)
    {
      /* Open work for the supervisor view: some well within the SLA, some
       * about to breach, some already breached. */
      guint u = rng_below (r, 100);

      if (u < 35)
        age = rng_range (r, 5 * 60, res);
      else if (u < 60)
        age = res - rng_range (r, 0, 45 * 60);
      else
        age = rng_range (r, res / 2, res + 5 * DAY);
      at = g->now - MAX (age, 60);
      if (at < c->start)
        at = c->start + rng_range (r, 0, MAX (g->now - c->start, 1));
    }
  else
    at = sample_time (g, r, c);
  age = g->now - at;

  if (age > 10 * DAY)
    final = rng_percent (r, 85) ? ST_CLOSED : ST_SOLVED;
  else
    {
      /* Open work comes mostly from the recent ones; the rest is mostly done */
      static const guint recent_w[] = { 14, 34, 18, 28, 6 };
      static const guint other_w[] = { 2, 8, 6, 70, 14 };

      final = recent ? (int) rng_weighted (r, recent_w, G_N_ELEMENTS (recent_w))
                     : (int) rng_weighted (r, other_w, G_N_ELEMENTS (other_w));
      if (age < 20 * 60)
        final = ST_NEW;
    }

  channel = WEIGHTED (r, ticket_channels, ticket_channel_weights);
  priority = (int) rng_weighted (r, priority_weights, G_N_ELEMENTS (priority_weights));
  if (queue == Q_VIP && priority < 2 && rng_percent (r, 50))
    priority = 2;

  /* Calls and store visits are taken by whoever answered */
  status = ST_NEW;
  if ((strcmp (channel, "phone") == 0 || strcmp (channel, "store") == 0) && rng_percent (r, 50))
    {
      assignee = pick_agent (g, r, queue, c);
      status = ST_OPEN;
      if (final == ST_NEW)
        final = ST_OPEN;
    }

  make_id (r, "ticket:", ticket_id);
  g_snprintf (number, sizeof number, "T-%06u", 100000 + ++g->ticket_counter);
  obj = doc_new (ticket_id, "ticket", at);
  json_object_set_string_member (obj, "customer_id", c->id);
  json_object_set_string_member (obj, "number", number);
  json_object_set_string_member (obj, "subject", topic->subject[lang]);
  json_object_set_string_member (obj, "channel", channel);
  json_object_set_string_member (obj, "queue", queues[queue].name);
  json_object_set_string_member (obj, "priority", priorities[priority]);
  json_object_set_string_member (obj, "status", statuses[status]);
  set_nullable (obj, "assignee", assignee);
  set_time (obj, "first_response_due", at + fr);
  set_time (obj, "resolution_due", at + res);
  tags = json_array_sized_new (2);
  json_array_add_string_element (tags, topic->tag);
  if (rng_percent (r, 12))
    json_array_add_string_element (tags, "repeat-contact");
  json_object_set_array_member (obj, "tags", tags);
  push (g, obj);

  /* The contact that opened it */
  fill (body, sizeof body, topic->contact[lang], order_phrase (c, at, phrase_buf, sizeof phrase_buf));
  {
    /* someone answered the call, chat or counter even if nobody owns the ticket yet */
    const char *answered = assignee;

    if (answered == NULL && (strcmp (channel, "phone") == 0 || strcmp (channel, "chat") == 0 ||
                             strcmp (channel, "store") == 0))
      answered = pick_any_agent (g, r, c);
    add_interaction (g, r, c, at, channel, FALSE, answered, topic->subject[lang], body,
                     c->unhappy || queue == Q_COMPLAINTS ? '-' : '0', ticket_id);
  }

  if (final == ST_NEW)
    return;

  if (final >= ST_SOLVED)
    {
      if (rng_percent (r, 80))
        solve_at = at + res * (20 + rng_below (r, 75)) / 100;
      else
        solve_at = at + res * (105 + rng_below (r, 150)) / 100;
      if (solve_at > g->now)
        solve_at = at + (g->now - at) * (50 + rng_below (r, 50)) / 100;
      end = solve_at;
    }
  else
    end = g->now;

  t = at;
  if (status == ST_NEW)
    {
      gint64 delay = rng_percent (r, 85) ? fr * (10 + rng_below (r, 85)) / 100
                                         : fr * (110 + rng_below (r, 200)) / 100;
      gint64 t1 = at + MAX (delay, 60);

      if (t1 >= end)
        t1 = at + (end - at) / 3;
      assignee = pick_agent (g, r, queue, c);
      obj = ticket_event_new (r, c, ticket_id, t1, assignee);
      changes = json_object_new ();
      json_object_set_string_member (changes, "status", "open");
      json_object_set_string_member (changes, "assignee", assignee);
      finish_event (g, obj, changes, PICK (r, comment_open[lang]), NULL);
      t = t1;
      status = ST_OPEN;
    }

  if (priority < 3 && rng_percent (r, 12))
    steps[n_steps++] = STEP_PRIORITY;
  if (rng_percent (r, 22))
    steps[n_steps++] = STEP_REASSIGN;
  if (final == ST_PENDING || rng_percent (r, 30))
    {
      steps[n_steps++] = STEP_PENDING;
      if (final != ST_PENDING)
        steps[n_steps++] = STEP_REOPEN;
    }
  if (end - t < (gint64) (n_steps + 1) * 2)
    n_steps = 0;
  for (guint i = 0; i < n_steps; i++)
    times[i] = rng_range (r, t + 1, end);
  sort_times (times, n_steps);
  /* strictly increasing and before @end; the check above leaves room */
  for (guint i = n_steps; i-- > 0;)
    times[i] = MIN (times[i], (i + 1 < n_steps ? times[i + 1] : end) - 1);

  for (guint i = 0; i < n_steps; i++)
    {
      const char *author = assignee ? assignee : pick_agent (g, r, queue, c);

      obj = ticket_event_new (r, c, ticket_id, times[i], author);
      changes = json_object_new ();
      switch (steps[i])
        {
        case STEP_PRIORITY:
          priority++;
          json_object_set_string_member (changes, "priority", priorities[priority]);
          finish_event (g, obj, changes, PICK (r, comment_priority[lang]), NULL);
          break;

        case STEP_REASSIGN:
          {
            int to = topic->queue != queue ? topic->queue : (int) rng_below (r, N_QUEUES);

            if (to == queue)
              to = (queue + 1 + (int) rng_below (r, N_QUEUES - 1)) % N_QUEUES;
            queue = to;
            assignee = rng_percent (r, 70) ? pick_agent (g, r, queue, c) : NULL;
            json_object_set_string_member (changes, "queue", queues[queue].name);
            set_nullable (changes, "assignee", assignee);
            finish_event (g, obj, changes, NULL, queues[queue].handoff[lang][rng_below (r, 2)]);
          }
          break;

        case STEP_PENDING:
          json_object_set_string_member (changes, "status", "pending");
          finish_event (g, obj, changes, PICK (r, comment_pending[lang]), NULL);
          break;

        case STEP_REOPEN:
          json_object_set_string_member (changes, "status", "open");
          if (assignee == NULL)
            {
              assignee = author;
              json_object_set_string_member (changes, "assignee", assignee);
            }
          finish_event (g, obj, changes, comment_reopen[lang], NULL);
          break;

        default:
          g_assert_not_reached ();
        }
    }

  if (final < ST_SOLVED)
    return;

  changes = json_object_new ();
  json_object_set_string_member (changes, "status", "solved");
  if (assignee == NULL)
    {
      assignee = pick_agent (g, r, queue, c);
      json_object_set_string_member (changes, "assignee", assignee);
    }
  obj = ticket_event_new (r, c, ticket_id, solve_at, assignee);
  finish_event (g, obj, changes, topic->resolution[lang], NULL);

  if (rng_percent (r, 40))
    {
      gint64 when = solve_at + rng_range (r, 60, 2 * HOUR);

      if (when <= g->now)
        add_interaction (g, r, c, when, rng_percent (r, 60) ? "email" : "phone", TRUE, assignee,
                         followup[lang][0], followup[lang][1], '+', ticket_id);
    }

  if (final == ST_CLOSED)
    {
      gint64 close_at = solve_at + rng_range (r, 3 * DAY, 8 * DAY);

      if (close_at <= g->now)
        {
          obj = ticket_event_new (r, c, ticket_id, close_at, assignee);
          changes = json_object_new ();
          json_object_set_string_member (changes, "status", "closed");
          finish_event (g, obj, changes, comment_closed[lang], NULL);
        }
    }

  if (rng_percent (r, 35))
    {
      gint64 when = solve_at + rng_range (r, HOUR, 2 * DAY);

      if (when <= g->now)
        add_survey (g, r, c, when, ticket_id, c->unhappy || solve_at > at + res);
    }
}

static void
add_consent (Gen    *g,
             Rng    *r,
             Cust   *c,
             guint   purpose,
             gboolean granted,
             gint64  at,
             guint   source)
{
  JsonObject *obj;
  char id[64];
  gboolean by_staff = source == 2 || source == 3 || source == 5;  /* store, phone, agent */

  make_id (r, "consent:", id);
  obj = doc_new (id, "consent", at);
  json_object_set_string_member (obj, "customer_id", c->id);
  json_object_set_string_member (obj, "purpose", purposes[purpose]);
  json_object_set_string_member (obj, "state", granted ? "granted" : "withdrawn");
  json_object_set_string_member (obj, "source", consent_sources[source]);
  set_nullable (obj, "recorded_by", by_staff ? pick_any_agent (g, r, c) : NULL);
  json_object_set_string_member (obj, "evidence",
                                 granted ? grant_evidence[source] : withdraw_evidence[source]);
  push (g, obj);
}

static void
gen_consents (Gen  *g,
              Rng  *r,
              Cust *c)
{
  /* web, app, store, phone, email, agent */
  static const guint grant_sources[] = { 38, 27, 20, 0, 7, 8 };
  static const guint withdraw_sources[] = { 25, 20, 10, 15, 25, 5 };

  for (guint p = 0; p < G_N_ELEMENTS (purposes); p++)
    {
      gboolean granted;
      guint source;
      gint64 t0, t1;

      if (!c->heavy && !rng_percent (r, purpose_chance[p]))
        continue;

      t0 = c->start + rng_range (r, 0, MAX ((g->now - c->start) / 4, 1));
      source = p == 5 ? 3 : rng_weighted (r, grant_sources, G_N_ELEMENTS (grant_sources));
      granted = rng_percent (r, 88);
      add_consent (g, r, c, p, granted, t0, source);
      if (g->now - t0 <= 2 * DAY)
        continue;

      if (granted && rng_percent (r, c->unhappy ? 55 : 25))
        {
          t1 = rng_range (r, t0 + DAY, g->now);
          source = p == 5 ? 3 : rng_weighted (r, withdraw_sources, G_N_ELEMENTS (withdraw_sources));
          add_consent (g, r, c, p, FALSE, t1, source);
          if (g->now - t1 > 2 * DAY && rng_percent (r, 20))
            add_consent (g, r, c, p, TRUE, rng_range (r, t1 + DAY, g->now),
                         p == 5 ? 3 : rng_weighted (r, grant_sources, G_N_ELEMENTS (grant_sources)));
        }
      else if (!granted && rng_percent (r, 30))
        add_consent (g, r, c, p, TRUE, rng_range (r, t0 + DAY, g->now),
                     p == 5 ? 3 : rng_weighted (r, grant_sources, G_N_ELEMENTS (grant_sources)));
    }
}

static void
add_note (Gen    *g,
          Rng    *r,
          Cust   *c,
          gint64  at)
{
  JsonObject *obj;
  char id[64];

  guint n = G_N_ELEMENTS (notes_text[0]);
  guint text = rng_below (r, n);

  /* colleagues do not write the same note twice */
  for (guint i = 0; i < n && (c->notes_used & (1u << text)); i++)
    text = (text + 1) % n;
  c->notes_used |= 1u << text;

  make_id (r, "note:", id);
  obj = doc_new (id, "note", at);
  json_object_set_string_member (obj, "customer_id", c->id);
  json_object_set_string_member (obj, "author", pick_any_agent (g, r, c));
  json_object_set_string_member (obj, "body", notes_text[c->lang][text]);
  json_object_set_boolean_member (obj, "pinned", rng_percent (r, 30));
  push (g, obj);
}

/* Index-derived numbers: a bijection of [0, modulus), so different
 * customers never share an e-mail address or a phone number. */
static guint64
scramble (guint64 index,
          guint64 multiplier,
          guint64 offset,
          guint64 modulus)
{
  return (index % modulus * (multiplier % modulus) + offset) % modulus;
}

static JsonObject *
customer_doc (Gen  *g,
              Rng  *r,
              Cust *c)
{
  static const char *const ja_domains[] = { "example.jp", "example.jp", "example.com", "example.net" };
  static const char *const en_domains[] = { "example.com", "example.com", "example.net" };
  JsonObject *obj, *name, *money;
  JsonArray *emails, *phones, *tags;
  const char *family, *given, *family_l, *given_l;
  guint64 number = scramble (c->index, 7919, g->email_offset, g->email_modulus);
  char buf[128], date[32];

  obj = doc_new (c->id, "customer", c->member_since);

  name = json_object_new ();
  if (c->lang == LANG_JA)
    {
      guint f = rng_below (r, G_N_ELEMENTS (ja_family));
      guint n = rng_below (r, G_N_ELEMENTS (ja_given));
      JsonObject *kana = json_object_new ();

      family = ja_family[f].kanji;
      given = ja_given[n].kanji;
      family_l = ja_family_romaji[f];
      given_l = ja_given_romaji[n];
      json_object_set_string_member (name, "family", family);
      json_object_set_string_member (name, "given", given);
      json_object_set_object_member (obj, "name", name);
      json_object_set_string_member (kana, "family", ja_family[f].kana);
      json_object_set_string_member (kana, "given", ja_given[n].kana);
      json_object_set_object_member (obj, "kana", kana);
    }
  else
    {
      guint f = rng_below (r, G_N_ELEMENTS (en_family));
      guint n = rng_below (r, G_N_ELEMENTS (en_given));

      family = en_family[f];
      given = en_given[n];
      family_l = en_family_lower[f];
      given_l = en_given_lower[n];
      json_object_set_string_member (name, "family", family);
      json_object_set_string_member (name, "given", given);
      json_object_set_object_member (obj, "name", name);
    }

  /* The number after the letters is unique per customer, so addresses are too */
  emails = json_array_sized_new (2);
  switch (rng_below (r, 4))
    {
    case 0:
      g_snprintf (buf, sizeof buf, "%s.%s%" G_GUINT64_FORMAT "@%s", given_l, family_l, number,
                  c->lang == LANG_JA ? PICK (r, ja_domains) : PICK (r, en_domains));
      break;
    case 1:
      g_snprintf (buf, sizeof buf, "%s.%s%" G_GUINT64_FORMAT "@%s", family_l, given_l, number,
                  c->lang == LANG_JA ? PICK (r, ja_domains) : PICK (r, en_domains));
      break;
    case 2:
      g_snprintf (buf, sizeof buf, "%c%s%" G_GUINT64_FORMAT "@%s", given_l[0], family_l, number,
                  c->lang == LANG_JA ? PICK (r, ja_domains) : PICK (r, en_domains));
      break;
    default:
      g_snprintf (buf, sizeof buf, "%s_%s%" G_GUINT64_FORMAT "@%s", given_l, family_l, number,
                  c->lang == LANG_JA ? PICK (r, ja_domains) : PICK (r, en_domains));
      break;
    }
  json_array_add_string_element (emails, buf);
  if (rng_percent (r, 15))
    {
      /* a work address: only these use example.org */
      g_snprintf (buf, sizeof buf, "%s.%s%" G_GUINT64_FORMAT "@example.org", family_l, given_l, number);
      json_array_add_string_element (emails, buf);
    }
  json_object_set_array_member (obj, "emails", emails);

  phones = json_array_sized_new (2);
  switch (c->region)
    {
    case REGION_JP:
      {
        static const char *const mobile[] = { "90", "80", "70" };

        g_snprintf (buf, sizeof buf, "+81%s%08" G_GUINT64_FORMAT, PICK (r, mobile),
                    scramble (c->index, 48271, g->mobile_offset, 100000000));
        json_array_add_string_element (phones, buf);
        if (rng_percent (r, 10))
          {
            guint64 line = scramble (c->index, 69621, g->line_offset, 10000000);

            if (strlen (c->branch->area) == 1)
              g_snprintf (buf, sizeof buf, "+81%s5%07" G_GUINT64_FORMAT, c->branch->area, line);
            else
              g_snprintf (buf, sizeof buf, "+81%s%07" G_GUINT64_FORMAT, c->branch->area, line);
            json_array_add_string_element (phones, buf);
          }
      }
      break;

    case REGION_US:
      {
        guint64 v = scramble (c->index, 7919, g->line_offset, 8000000);

        g_snprintf (buf, sizeof buf, "+1%s%03" G_GUINT64_FORMAT "%04" G_GUINT64_FORMAT,
                    c->branch->area, 200 + v / 10000, v % 10000);
        json_array_add_string_element (phones, buf);
      }
      break;

    default:
      g_snprintf (buf, sizeof buf, "+447%u%08" G_GUINT64_FORMAT, 4 + rng_below (r, 6),
                  scramble (c->index, 48271, g->mobile_offset, 100000000));
      json_array_add_string_element (phones, buf);
      break;
    }
  json_object_set_array_member (obj, "phones", phones);

  json_object_set_string_member (obj, "language", c->lang == LANG_JA ? "ja" : "en");
  json_object_set_string_member (obj, "preferred_channel", WEIGHTED (r, pref_channels, pref_weights));
  json_object_set_string_member (obj, "tier", tiers[c->tier]);
  format_time (c->member_since, date);
  date[10] = '\0';
  json_object_set_string_member (obj, "member_since", date);
  money = json_object_new ();
  json_object_set_int_member (money, "amount", c->lifetime_value);
  json_object_set_string_member (money, "currency", regions[c->region].currency);
  json_object_set_object_member (obj, "lifetime_value", money);
  json_object_set_string_member (obj, "branch", c->branch->name);

  tags = json_array_sized_new (3);
  if (c->heavy)
    json_array_add_string_element (tags, "corporate");
  else
    {
      guint n = rng_weighted (r, (const guint[]) { 45, 35, 15, 5 }, 4);
      guint used = 0;

      for (guint i = 0; i < n; i++)
        {
          guint t = rng_below (r, G_N_ELEMENTS (customer_tags) - 1);  /* not "corporate" */

          if (used & (1u << t))
            continue;
          used |= 1u << t;
          json_array_add_string_element (tags, customer_tags[t]);
        }
    }
  json_object_set_array_member (obj, "tags", tags);
  return obj;
}

static gboolean
gen_customer (Gen     *g,
              guint    index,
              GError **error)
{
  Rng rng, *r = &rng;
  Cust cust = { 0 }, *c = &cust;
  JsonNode *node;
  guint n_orders, n_tickets, n_contacts, n_notes;

  rng_seed (r, g->seed, index);
  c->index = index;
  make_id (r, "customer:", c->id);
  c->heavy = g->heavy_stride > 0 && index % g->heavy_stride == 0 && index / g->heavy_stride < g->n_heavy;
  c->lang = rng_percent (r, 60) ? LANG_JA : LANG_EN;
  c->region = c->lang == LANG_JA ? REGION_JP : rng_percent (r, 60) ? REGION_US : REGION_UK;
  {
    guint weights[G_N_ELEMENTS (branches)];

    for (guint i = 0; i < G_N_ELEMENTS (branches); i++)
      weights[i] = branches[i].region == c->region ? branches[i].weight : 0;
    c->branch = &branches[rng_weighted (r, weights, G_N_ELEMENTS (branches))];
  }
  c->activity = activity_factor[rng_weighted (r, activity_weights, G_N_ELEMENTS (activity_weights))];
  c->unhappy = !c->heavy && rng_percent (r, 7);
  c->tier = (int) rng_weighted (r, tier_weights, G_N_ELEMENTS (tier_weights));
  if (c->activity >= 3.0 && c->tier < TIER_GOLD)
    c->tier = TIER_GOLD;
  if (c->heavy)
    c->tier = TIER_PLATINUM;

  if (c->heavy)
    c->member_since = g->now - rng_range (r, 5 * YEAR, 9 * YEAR);
  else if (rng_percent (r, 45))
    c->member_since = g->now - rng_range (r, 2 * DAY, 3 * YEAR);
  else
    c->member_since = g->now - rng_range (r, 3 * YEAR, 10 * YEAR);
  c->start = MAX (c->member_since, g->now - 3 * YEAR);

  if (c->heavy)
    {
      n_orders = 2800 + rng_below (r, 600);
      n_tickets = 160 + rng_below (r, 60);
      n_contacts = 1200 + rng_below (r, 300);
      n_notes = 10;
    }
  else
    {
      n_orders = rng_count (r, 2.55 * c->activity);
      n_tickets = rng_count (r, 0.45 * c->activity);
      n_contacts = rng_count (r, 2.0 * c->activity);
      n_notes = rng_count (r, 0.25);
    }

  g_ptr_array_set_size (g->docs, 0);

  for (guint i = 0; i < n_orders; i++)
    gen_order (g, r, c, sample_time (g, r, c));
  gen_consents (g, r, c);
  for (guint i = 0; i < n_tickets; i++)
    gen_ticket (g, r, c, rng_percent (r, c->heavy ? 2 : 25));
  for (guint i = 0; i < n_contacts; i++)
    gen_contact (g, r, c, pick_contact (r), sample_time (g, r, c));
  if (c->unhappy)
    {
      /* A streak of recent complaints: what risk flags are for */
      guint n = 3 + rng_below (r, 3);
      gint64 times[5];

      for (guint i = 0; i < n; i++)
        times[i] = g->now - rng_range (r, HOUR, MIN (30 * DAY, g->now - c->start + HOUR));
      sort_times (times, n);
      for (guint i = 0; i < n; i++)
        gen_contact (g, r, c, &PICK (r, complaints), MAX (times[i], c->start));
    }
  for (guint i = 0; i < n_notes; i++)
    add_note (g, r, c, sample_time (g, r, c));
  if (rng_percent (r, 8))
    add_survey (g, r, c, sample_time (g, r, c), NULL, c->unhappy);
  if (c->heavy)
    {
      guint target = 5000 + rng_below (r, 1500);

      while (g->docs->len < target)
        gen_contact (g, r, c, pick_contact (r), sample_time (g, r, c));
    }

  node = json_node_alloc ();
  json_node_init_object (node, customer_doc (g, r, c));
  json_object_unref (json_node_get_object (node));
  if (!g->emit (node, g->user_data, error))
    {
      json_node_unref (node);
      return FALSE;
    }
  json_node_unref (node);

  for (guint i = 0; i < g->docs->len; i++)
    if (!g->emit (g_ptr_array_index (g->docs, i), g->user_data, error))
      return FALSE;
  return TRUE;
}

static gboolean
gen_directory (Gen     *g,
               GError **error)
{
  gint64 since = g->now - 3 * YEAR - 30 * DAY;

  for (guint q = 0; q < N_QUEUES; q++)
    {
      JsonObject *obj, *sla;
      char id[48];

      g_snprintf (id, sizeof id, "queue:%s", queues[q].name);
      obj = doc_new (id, "queue", since);
      json_object_set_string_member (obj, "display_name", queues[q].display_name);
      sla = json_object_new ();
      json_object_set_int_member (sla, "first_response_minutes", queues[q].first_response_minutes);
      json_object_set_int_member (sla, "resolution_minutes", queues[q].resolution_minutes);
      json_object_set_object_member (obj, "sla", sla);
      push (g, obj);
    }

  for (guint a = 0; a < N_AGENTS; a++)
    {
      JsonObject *obj;
      JsonArray *list;
      char id[48];

      g_snprintf (id, sizeof id, "agent:%s", agents[a].login);
      obj = doc_new (id, "agent", since + a * DAY);
      json_object_set_string_member (obj, "name", agents[a].name);
      json_object_set_string_member (obj, "team", agents[a].team);
      json_object_set_string_member (obj, "role", agents[a].supervisor ? "supervisor" : "agent");
      list = json_array_new ();
      for (guint q = 0; q < N_QUEUES; q++)
        if (has_word (agents[a].queues, queues[q].name))
          json_array_add_string_element (list, queues[q].name);
      json_object_set_array_member (obj, "queues", list);
      push (g, obj);
    }

  for (guint i = 0; i < g->docs->len; i++)
    if (!g->emit (g_ptr_array_index (g->docs, i), g->user_data, error))
      return FALSE;
  g_ptr_array_set_size (g->docs, 0);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Public API                                                         */
/* ------------------------------------------------------------------ */

void
rp_demo_options_init (RpDemoOptions *options)
{
  gint64 now;

  g_return_if_fail (options != NULL);

  now = g_get_real_time ();
  options->n_customers = 200;
  options->seed = 1;
  options->now_usec = now - now % ((gint64) G_USEC_PER_SEC * 3600);
  options->n_heavy = 3;
}

gboolean
rp_demo_generate (const RpDemoOptions  *options,
                  RpDemoEmitFunc        emit,
                  gpointer              user_data,
                  GError              **error)
{
  Gen gen = { 0 };
  Rng rng;
  guint n_heavy;
  gboolean ok = TRUE;
  int y, m, d;

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (emit != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  init_tables ();

  gen.emit = emit;
  gen.user_data = user_data;
  gen.seed = options->seed;
  gen.now = options->now_usec >= 0 ? options->now_usec / G_USEC_PER_SEC
                                   : (options->now_usec - G_USEC_PER_SEC + 1) / G_USEC_PER_SEC;
  civil_from_days (gen.now >= 0 ? gen.now / DAY : (gen.now - DAY + 1) / DAY, &y, &m, &d);
  gen.now_month = y * 12 + m - 1;

  n_heavy = options->n_customers >= 20 ? MIN (options->n_heavy, options->n_customers) : 0;
  gen.n_heavy = n_heavy;
  gen.heavy_stride = n_heavy > 0 ? options->n_customers / n_heavy : 0;

  /* Order numbers, e-mail and phone numbers come from per-seed
   * bijections, so they are unique without a lookup table. */
  rng_seed (&rng, gen.seed, G_MAXUINT64);
  for (guint i = 0; i < N_REGIONS; i++)
    for (guint j = 0; j < G_N_ELEMENTS (gen.order_counter[i]); j++)
      gen.order_offset[i][j] = rng_below (&rng, 1000000);
  gen.email_modulus = 10000;
  while (gen.email_modulus < (guint64) options->n_customers * 10)
    gen.email_modulus *= 10;
  gen.email_offset = rng_next (&rng) % gen.email_modulus;
  gen.mobile_offset = rng_next (&rng) % 100000000;
  gen.line_offset = rng_next (&rng) % 8000000;

  for (guint a = 0; a < N_AGENTS; a++)
    {
      int region = agents[a].region;

      if (agents[a].supervisor)
        continue;
      gen.by_region[region][gen.by_region_n[region]++] = a;
      for (guint q = 0; q < N_QUEUES; q++)
        if (has_word (agents[a].queues, queues[q].name))
          gen.by_queue[q][region][gen.by_queue_n[q][region]++] = a;
    }
  for (guint q = 0; q < N_QUEUES; q++)
    for (guint region = 0; region < N_REGIONS; region++)
      g_assert (gen.by_queue_n[q][region] > 0);

  gen.docs = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  ok = gen_directory (&gen, error);
  for (guint i = 0; ok && i < options->n_customers; i++)
    ok = gen_customer (&gen, i, error);

  g_ptr_array_unref (gen.docs);
  return ok;
}

typedef struct
{
  FILE       *file;
  const char *path;
  GString    *buf;
  guint64     count;
} Export;

static gboolean
export_flush (Export  *export,
              GError **error)
{
  if (export->buf->len > 0 &&
      fwrite (export->buf->str, 1, export->buf->len, export->file) != export->buf->len)
    {
      int saved_errno = errno;

      g_set_error (error, RP_ERROR, saved_errno == ENOSPC ? RP_ERROR_FULL : RP_ERROR_IO,
                   _("Cannot write “%s”: %s"), export->path, g_strerror (saved_errno));
      return FALSE;
    }
  g_string_truncate (export->buf, 0);
  return TRUE;
}

static gboolean
export_emit_cb (JsonNode  *doc,
                gpointer   user_data,
                GError   **error)
{
  Export *export = user_data;

  if (export->count++ > 0)
    g_string_append (export->buf, ",\n");
  rp_json_append (export->buf, doc, FALSE);
  if (export->buf->len >= 1 << 20)
    return export_flush (export, error);
  return TRUE;
}

gboolean
rp_demo_export (const RpDemoOptions  *options,
                const char           *path,
                GError              **error)
{
  g_autofree char *partial = NULL;
  Export export = { 0 };
  gboolean to_stdout;
  gboolean ok;

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Written next to the target and renamed, so a reader never sees half a file */
  to_stdout = strcmp (path, "-") == 0;
  export.path = to_stdout ? _("standard output") : path;
  if (to_stdout)
    export.file = stdout;
  else
    {
      partial = g_strconcat (path, ".partial", NULL);
      export.file = g_fopen (partial, "wb");
      if (export.file == NULL)
        {
          int saved_errno = errno;

          g_set_error (error, RP_ERROR, RP_ERROR_IO, _("Cannot write “%s”: %s"),
                       path, g_strerror (saved_errno));
          return FALSE;
        }
    }

  export.buf = g_string_sized_new (1 << 21);
  g_string_append (export.buf, "{\"docs\": [\n");
  ok = rp_demo_generate (options, export_emit_cb, &export, error);
  if (ok)
    {
      g_string_append (export.buf, "\n]}\n");
      ok = export_flush (&export, error);
    }
  g_string_free (export.buf, TRUE);

  if (ok && fflush (export.file) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, RP_ERROR, saved_errno == ENOSPC ? RP_ERROR_FULL : RP_ERROR_IO,
                   _("Cannot write “%s”: %s"), export.path, g_strerror (saved_errno));
      ok = FALSE;
    }

  if (to_stdout)
    return ok;

  if (fclose (export.file) != 0 && ok)
    {
      int saved_errno = errno;

      g_set_error (error, RP_ERROR, saved_errno == ENOSPC ? RP_ERROR_FULL : RP_ERROR_IO,
                   _("Cannot write “%s”: %s"), path, g_strerror (saved_errno));
      ok = FALSE;
    }
  if (ok && g_rename (partial, path) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, RP_ERROR, RP_ERROR_IO, _("Cannot write “%s”: %s"),
                   path, g_strerror (saved_errno));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (partial);
  return ok;
}
