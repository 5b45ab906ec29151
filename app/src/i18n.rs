//! The zh-CN / en catalogue. Every key must name both texts, so a missing
//! translation is a compile error rather than a blank on a page.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub const COOKIE: &'static str = "fenfa_lang";

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// First visit: the first language in Accept-Language that we have;
    /// Chinese when nothing matches, since most users are Chinese-speaking.
    pub fn from_accept_language(header: &str) -> Lang {
        for part in header.split(',') {
            let tag = part
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if tag.starts_with("zh") {
                return Lang::Zh;
            }
            if tag.starts_with("en") {
                return Lang::En;
            }
        }
        Lang::Zh
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}

macro_rules! catalogue {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        /// A visible string of the interface.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum K { $($key,)* }

        impl K {
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((K::$key, Lang::Zh) => $zh, (K::$key, Lang::En) => $en,)*
                }
            }

            #[cfg(test)]
            pub const ALL: &'static [K] = &[$(K::$key,)*];
        }
    };
}

catalogue! {
    Brand => "分发", "Fenfa";
    Workbench => "工作台", "Workbench";
    MyApps => "我的应用", "My Apps";
    NoAppsYet => "暂无应用", "No apps yet";
    Members => "成员", "Members";
    Operator => "平台运营", "Platform operator";
    Organization => "组织", "Organization";
    SwitchOrg => "切换组织", "Switch organization";
    Switch => "切换", "Switch";
    CreateOrg => "创建组织", "Create organization";
    OrgName => "组织名称", "Organization name";
    Create => "创建", "Create";
    Creating => "正在创建…", "Creating…";
    SignIn => "登录", "Sign in";
    SigningIn => "正在登录…", "Signing in…";
    SignUp => "注册", "Sign up";
    SigningUp => "正在注册…", "Signing up…";
    SignOut => "退出登录", "Sign out";
    Email => "邮箱", "Email";
    Password => "密码", "Password";
    DisplayName => "显示名称", "Display name";
    CreateAccount => "创建账号", "Create account";
    NoAccount => "还没有账号？", "No account yet?";
    HaveAccount => "已有账号？", "Already have an account?";
    PasswordHint => "至少 8 个字符", "At least 8 characters";
    Hello => "你好，", "Hello, ";
    YourRole => "你的角色", "Your role";
    Certification => "认证等级", "Certification level";
    NoOrgYet => "你还没有加入任何组织。", "You don't belong to any organization yet.";
    RoleAdmin => "管理员", "Admin";
    RoleMember => "普通员工", "Member";
    Role => "角色", "Role";
    Name => "姓名", "Name";
    Actions => "操作", "Actions";
    AddMember => "添加成员", "Add member";
    AddMemberHint => "输入已注册用户的邮箱", "Email of a registered user";
    Add => "添加", "Add";
    Adding => "正在添加…", "Adding…";
    Remove => "移除", "Remove";
    Save => "保存", "Save";
    Saving => "正在保存…", "Saving…";
    Saved => "已保存", "Saved";
    You => "（你）", "(you)";
    CertNone => "未认证", "Not certified";
    CertBasic => "初级认证服务商", "Basic certified ISV";
    CertIntermediate => "中级认证服务商", "Intermediate certified ISV";
    CertAdvanced => "高级认证服务商", "Advanced certified ISV";
    Organizations => "组织列表", "Organizations";
    Language => "语言", "Language";
    LangSwitchLabel => "English", "中文";
    Loading => "加载中…", "Loading…";
    PageNotFound => "页面不存在", "Page not found";
    BackToWorkbench => "返回工作台", "Back to the Workbench";
    ErrUnauthenticated => "请先登录", "Please sign in first";
    ErrForbidden => "没有权限", "No permission";
    ErrOperatorOnly => "没有权限：只有平台运营人员可以设置认证等级", "No permission: only the platform operator can set certification levels";
    ErrAdminOnly => "没有权限：只有组织管理员可以管理成员", "No permission: only an organization admin can manage members";
    ErrNotFound => "未找到", "Not found";
    ErrBadCredentials => "邮箱或密码错误", "Wrong email or password";
    ErrEmailTaken => "该邮箱已注册", "This email is already registered";
    ErrInvalidEmail => "邮箱：格式不正确", "Email: not a valid email address";
    ErrInvalidDisplayName => "显示名称：需为 1–50 个字符", "Display name: must be 1–50 characters";
    ErrInvalidPassword => "密码：需为 8–128 个字符", "Password: must be 8–128 characters";
    ErrInvalidOrgName => "组织名称：需为 1–100 个字符", "Organization name: must be 1–100 characters";
    ErrInvalidRole => "角色：只能是管理员或普通员工", "Role: must be admin or member";
    ErrInvalidCert => "认证等级：不是有效的等级", "Certification level: not a valid level";
    ErrUserNotFound => "没有使用该邮箱的用户", "No user has this email";
    ErrAlreadyMember => "该用户已是本组织成员", "This user is already a member";
    ErrLastAdmin => "组织至少要保留一名管理员", "An organization must keep at least one admin";
    ErrNoOrg => "请先选择或创建组织", "Choose or create an organization first";
    ErrInvalidInput => "输入无效", "Invalid input";
    ErrCrossSite => "跨站请求已被拒绝", "Cross-site request refused";
    ErrInternal => "服务器出错了，请稍后重试", "Something went wrong on the server; please try again";
}

/// The language of the page, shared by every component.
#[derive(Clone, Copy)]
pub struct LangCtx(pub RwSignal<Lang>);

pub fn use_lang() -> RwSignal<Lang> {
    expect_context::<LangCtx>().0
}

/// A reactive text for views: `{t(K::SignIn)}`.
pub fn t(key: K) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = use_lang();
    move || key.text(lang.get())
}

/// The language the server renders in: the remembered choice, else the browser's.
#[cfg(feature = "ssr")]
pub fn lang_from_headers(headers: &http::HeaderMap) -> Lang {
    if let Some(lang) =
        crate::accounts::session::cookie_value(headers, Lang::COOKIE).and_then(|v| Lang::parse(&v))
    {
        return lang;
    }
    headers
        .get(http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

/// The language of the current request (server) or page (browser).
pub fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|p| lang_from_headers(&p.headers))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        // Hydration must use the language the server rendered in.
        #[cfg(feature = "hydrate")]
        {
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
                .and_then(|e| e.get_attribute("lang"))
                .and_then(|l| Lang::parse(&l))
                .unwrap_or_default()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            Lang::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_first_supported() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,zh;q=0.8"),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language("zh-CN,zh;q=0.9"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("fr-FR,en;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language("de"), Lang::Zh);
    }

    #[test]
    fn every_key_has_two_non_empty_texts() {
        for k in K::ALL {
            assert!(!k.text(Lang::Zh).is_empty(), "{k:?} zh");
            assert!(!k.text(Lang::En).is_empty(), "{k:?} en");
        }
    }
}
