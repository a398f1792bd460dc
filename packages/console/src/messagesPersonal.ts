/**
 * The strings of personalised search in the browser (issue 19), in English and Chinese (merged into
 * messages.ts; `personalZh` is typed by `personalEn`'s keys).
 */
export const personalEn = {
  'ps.title': 'Personal ranking, run in this browser',
  'ps.lead':
    'A platform’s own ranking code (commerce.search/2), fetched from the chain with proofs and its hash checked, runs here with your history. The history stays in this browser: the node sees the same requests as for any shopper.',
  'ps.platform': 'Ranking code',
  'ps.noPlatforms': 'No commerce.search/2 implementation is registered on this chain.',
  'ps.useHistory': 'Use my history kept in this browser',
  'ps.noHistory': 'No history is kept in this browser yet:',
  'ps.keepHistoryLink': 'keep it from the wallet page',
  'ps.query': 'Looking for',
  'ps.rank': 'Rank here',
  'ps.ranking': 'Fetching the code with proofs and ranking in this browser…',
  'ps.rankedBy':
    'Ranked by {name} ({id}, published by {org}), code {hash}… proven at height {height}, run in this browser in {ms} ms ({gas} gas).',
  'ps.historyStayed':
    'Your history ({purchases} purchases, {reviews} reviews, {grants} grants) stayed in this browser: nothing about it was sent.',
  'ps.anonymous': 'Without your history: the ranking anyone gets.',
  'ps.results': '{shown} of {total} listings match.',
  'ps.choices': 'Two ways to get a personal ranking',
  'ps.choiceLocal':
    'Here: the platform’s code comes to your history. Nothing leaves this browser; the platform learns nothing.',
  'ps.choiceGrant':
    'Or grant the platform your history (wallet page, “grants”) for ranking on its servers: it then sees the orders in the grant’s scope until it expires or you revoke it.',
  'ps.historyTitle': 'History for personal search (kept in this browser only, encrypted)',
  'ps.historyLocked':
    'A history is kept here, encrypted under your wallet’s key: unlock the wallet to use it.',
  'ps.historyPlain':
    'A history kept unencrypted by an earlier version is here: unlock the wallet and it is encrypted in its place.',
  'ps.unlockToKeep': 'Unlock the wallet to keep a history (it is encrypted under the wallet’s key).',
  'ps.historyKept': 'Kept here: {purchases} purchases, {reviews} reviews, {grants} grants.',
  'ps.historyNone': 'No history kept in this browser.',
  'ps.fromWallet': 'Keep my purchases (reads my orders with my keys, as “my purchases” does)',
  'ps.importLabel': 'Or import a history file (hanglian wallet purchases --save-history)',
  'ps.import': 'Import',
  'ps.forget': 'Forget the history',
  'ps.badFile': 'Not a history file: {reason}',
} as const;

export type PersonalMessageKey = keyof typeof personalEn;

export const personalZh: Record<PersonalMessageKey, string> = {
  'ps.title': '个性化排序，在本浏览器中运行',
  'ps.lead':
    '平台自己的排序代码（commerce.search/2）从链上取来并验证证明与哈希，在这里用你的历史运行。历史只留在本浏览器：节点看到的请求与任何顾客相同。',
  'ps.platform': '排序代码',
  'ps.noPlatforms': '本链上没有注册 commerce.search/2 的实现。',
  'ps.useHistory': '使用本浏览器保存的我的历史',
  'ps.noHistory': '本浏览器还没有保存历史：',
  'ps.keepHistoryLink': '到钱包页面保存',
  'ps.query': '要找的',
  'ps.rank': '在此排序',
  'ps.ranking': '正在取回代码并验证证明，在本浏览器中排序…',
  'ps.rankedBy':
    '由 {name}（{id}，{org} 发布）排序，代码 {hash}… 在高度 {height} 得到证明，在本浏览器中运行 {ms} 毫秒（{gas} gas）。',
  'ps.historyStayed':
    '你的历史（{purchases} 笔购买、{reviews} 条评价、{grants} 项授权）留在本浏览器：没有发送任何相关内容。',
  'ps.anonymous': '未使用你的历史：任何人得到的排序。',
  'ps.results': '{total} 件商品中有 {shown} 件符合。',
  'ps.choices': '获得个性化排序的两种方式',
  'ps.choiceLocal': '在这里：平台的代码来到你的历史旁。什么也不离开本浏览器，平台一无所知。',
  'ps.choiceGrant':
    '或者把历史授权给平台（钱包页面“授权”），在它的服务器上排序：在授权到期或你撤销之前，它能看到授权范围内的订单。',
  'ps.historyTitle': '个性化搜索的历史（只保存在本浏览器，已加密）',
  'ps.historyLocked': '这里保存着用你的钱包密钥加密的历史：解锁钱包后即可使用。',
  'ps.historyPlain': '这里有旧版本未加密保存的历史：解锁钱包后会就地加密。',
  'ps.unlockToKeep': '解锁钱包后才能保存历史（用钱包的密钥加密）。',
  'ps.historyKept': '已保存：{purchases} 笔购买、{reviews} 条评价、{grants} 项授权。',
  'ps.historyNone': '本浏览器没有保存历史。',
  'ps.fromWallet': '保存我的购买记录（用我的密钥读取我的订单，与“我的购买”相同）',
  'ps.importLabel': '或导入历史文件（hanglian wallet purchases --save-history）',
  'ps.import': '导入',
  'ps.forget': '删除历史',
  'ps.badFile': '不是历史文件：{reason}',
};
