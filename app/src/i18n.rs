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
    PasswordHint => "至少 8 个字符；不能是常见密码，也不能包含邮箱 @ 前面的部分", "At least 8 characters; not a common password, and not the part of your email before the @";
    Account => "我的账号", "My account";
    ChangePassword => "修改密码", "Change password";
    CurrentPassword => "当前密码", "Current password";
    NewPassword => "新密码", "New password";
    PasswordChanged => "密码已修改，其他设备上的登录已全部退出", "Password changed; you are signed out on every other device";
    Hello => "你好，", "Hello, ";
    YourRole => "你的角色", "Your role";
    Certification => "认证等级", "Certification level";
    NoOrgYet => "你还没有加入任何组织。", "You don't belong to any organization yet.";
    RoleAdmin => "管理员", "Admin";
    RoleMember => "普通员工", "Member";
    Role => "角色", "Role";
    Name => "姓名", "Name";
    Actions => "操作", "Actions";
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
    Menu => "菜单", "Menu";
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
    ErrSignInSlowDown => "登录失败次数较多，请稍等片刻再试", "Several failed sign-ins: wait a moment, then try again";
    ErrSignInLocked => "登录失败次数过多，已暂停登录 15 分钟", "Too many failed sign-ins: signing in is paused for 15 minutes";
    ErrWrongCurrentPassword => "当前密码不正确", "The current password is wrong";
    ErrPasswordChangeRequired => "请先修改密码再继续", "Choose a new password before you continue";
    ErrNotOwnApp => "只能分发本组织自己的应用，购买的应用不能再分发", "Only your organization's own apps can be distributed, not apps it bought";
    ErrServerBusy => "服务器繁忙，请稍后再试", "The server is busy; please try again in a moment";
    ErrSignUpSlowDown => "注册尝试过多，请稍后再试", "Too many sign-up attempts: wait a moment, then try again";
    ErrCommonPassword => "密码：这个密码太常见，容易被猜到，请换一个", "Password: this password is too common and easy to guess; choose another";
    ErrPasswordHasEmail => "密码：不能包含邮箱地址 @ 前面的部分", "Password: must not contain the part of your email address before the @";
    ErrInvitationInvalid => "此邀请已失效（已撤回、已使用或已过期）", "This invitation is no longer valid (withdrawn, used or expired)";
    ErrInvitationOtherEmail => "此邀请发给了另一个邮箱地址，请用该邮箱的账号登录", "This invitation was sent to another email address: sign in with that address's account";
    ErrVerificationInvalid => "此验证链接已失效，请重新发送验证邮件", "This verification link is no longer valid: send a new verification mail";
    ErrMailNotSent => "已保存，但邮件未能发出，请稍后重新发送", "Saved, but the mail could not be sent: send it again in a moment";
    UseApp => "使用", "Use";
    UseAppTitle => "使用应用", "Use the app";
    ChooseForm => "选择一个表单填写，或查看它的记录", "Choose a form to fill in, or to see its records";
    SubmitForm => "提交", "Submit";
    SubmittingForm => "正在提交…", "Submitting…";
    RecordSubmitted => "已提交", "Submitted";
    Records => "记录", "Records";
    NoRecords => "暂无记录", "No records yet";
    RecordTitle => "记录", "Record";
    SubmittedBy => "提交人", "Submitted by";
    SubmittedAt => "提交时间", "Submitted at";
    StatusSubmitted => "已提交", "Submitted";
    StatusInApproval => "审批中", "In approval";
    StatusApproved => "已通过", "Approved";
    StatusRejected => "已拒绝", "Rejected";
    AllStatuses => "全部状态", "All statuses";
    Approve => "同意", "Approve";
    Reject => "拒绝", "Reject";
    Deciding => "正在处理…", "Working…";
    CommentOptional => "意见（可选）", "Comment (optional)";
    Todo => "待办", "To do";
    NoTodo => "没有待办事项", "Nothing to do";
    TodoCount => "待办事项数", "Items to do";
    InboxMessages => "消息", "Messages";
    NoMessages => "暂无消息", "No messages";
    UnreadCount => "未读消息数", "Unread messages";
    Unread => "未读", "Unread";
    MarkRead => "标为已读", "Mark read";
    MarkAllRead => "全部标为已读", "Mark all read";
    OpenRecord => "查看记录", "Open record";
    RecordHistory => "历史", "History";
    ApprovalSteps => "审批步骤", "Approval steps";
    CurrentStep => "当前步骤", "Current step";
    OneApproverRule => "每个步骤由其任意一位审批人同意即完成；任何一位审批人拒绝，流程即结束。", "Each step is done when one of its approvers approves; a rejection by any approver ends the flow.";
    EvSubmitted => "提交了记录", "Submitted the record";
    EvApproved => "同意", "Approved";
    EvRejected => "拒绝", "Rejected";
    EvNotified => "已发送消息给", "Sent a message to";
    EvNotifySkipped => "消息模板尚未设置，未发送消息", "A message template still needs setting up: no message sent";
    EvServiceQueued => "将调用三方服务", "Queued a call to";
    EvServiceSent => "已调用三方服务", "Called";
    EvServiceFailed => "调用三方服务失败（已停止重试）", "Gave up calling";
    DeliveryPending => "等待发送", "Pending";
    DeliveryHeld => "等待配置（配置后发送）", "Held until the service is set up";
    DeliverySent => "已送达", "Delivered";
    DeliveryFailed => "失败（已停止重试）", "Failed (no more retries)";
    DeliveryLog => "调用记录", "Delivery log";
    NoDeliveries => "还没有调用", "No calls yet";
    Attempts => "尝试次数", "Attempts";
    Response => "响应", "Response";
    NextAttempt => "下次尝试", "Next attempt";
    Retry => "重新发送", "Retry";
    Event => "事件", "Event";
    CalledOn => "调用时机", "Called on";
    NotCalled => "未设置调用时机", "Not called on any event yet";
    AddCall => "添加调用时机", "Add a call";
    FieldRemoved => "字段已删除", "field removed";
    OptionRemoved => "已删除的选项", "removed option";
    NoMemberChosen => "— 请选择 —", "— Choose —";
    SeesAllRecords => "你可以看到此表单的全部记录。", "You see every record of this form.";
    SeesOwnRecords => "你可以看到你提交的记录和需要你审批的记录。", "You see the records you submitted and those you approve.";
    RecordsOf => "的记录", " records";
    ErrInvalidVersion => "版本号格式为 主版本.次版本.修订号，例如 1.2.0", "A version is major.minor.patch, such as 1.2.0";
    ErrNothingToPublish => "自上一版本以来应用没有变化，无需发布", "Nothing has changed since the last version: there is nothing to publish";
    ErrVersionNotGreater => "新版本号必须大于已发布的最新版本", "The new version must be greater than the latest published one";
    ErrNeedsMinor => "这些变更新增或删除了部件，至少需要升级次版本号", "These changes add or remove parts: they need at least a minor version";
    ErrNeedsMajor => "这些变更删除了部件或更改了字段类型，需要升级主版本号", "These changes remove parts or change a field's type: they need a major version";
    ErrInvalidOrderList => "订单号列表有误：每行或用逗号分隔一个本应用的订单号", "The order list is not right: one order number of this app per line or comma";
    ErrNotUpgradable => "此副本购买于版本功能之前，无法合并升级", "This copy was bought before versions existed: it cannot take upgrades";
    ErrUpgradeNotPossible => "此升级现在不能执行此操作（已处理、已过期或有更新的升级）", "This upgrade cannot take that step now (already done, expired, or a later upgrade exists)";
    ErrUpgradeChanged => "预览之后应用已被修改，请重新查看预览", "The app changed since the preview: review it again";
    ErrMaintenanceInProgress => "服务商正在远程维护此应用，请在维护结束后再操作", "The provider is maintaining this app right now: try again when maintenance ends";
    ErrInvalidNotes => "版本说明最多 2000 个字符", "Release notes are at most 2000 characters";
    ErrNotPublished => "请先发布此应用的一个版本", "Publish a version of this app first";
    LevelPatch => "修订版本", "Patch";
    LevelMinor => "次版本", "Minor";
    LevelMajor => "主版本", "Major";
    PartApp => "应用", "App";
    PartForm => "表单", "Form";
    PartField => "字段", "Field";
    PartStep => "审批步骤", "Approval step";
    PartTemplate => "通知模板", "Notification template";
    PartService => "三方服务", "Third-party service";
    PropExists => "部件", "Part";
    PropName => "名称", "Name";
    PropIcon => "图标", "Icon";
    PropDescription => "描述", "Description";
    PropKind => "表单类型", "Form type";
    PropLabel => "字段名称", "Label";
    PropType => "字段类型", "Field type";
    PropRequired => "必填", "Required";
    PropOption => "选项", "Option";
    PropOrder => "顺序", "Order";
    PropForm => "所属表单", "Form";
    PropTrigger => "触发时机", "Trigger";
    PropMessage => "消息内容", "Message";
    PropEndpoint => "接口地址", "Endpoint URL";
    PropCall => "调用时机", "Called on";
    PropApprovers => "审批人", "Approvers";
    PropRecipients => "接收人", "Recipients";
    ActChangesRevert => "撤销了维护修改", "Reverted maintenance changes";
    ActChangesReviewed => "已查看维护修改", "Reviewed maintenance changes";
    ActTakeFix => "将客户处的修复应用到自己的应用", "Took a fix made at a customer into the app";
    SetKindMaintenance => "远程维护", "Remote maintenance";
    SetKindRevert => "撤销", "Revert";
    RiskProcess => "审批流程", "Approval process";
    RiskRecipients => "通知接收人", "Notification recipients";
    RiskEndpoints => "三方服务地址", "Service endpoints";
    RiskDeletions => "删除", "Deletions";
    StandingRestorable => "可撤销", "Can be reverted";
    StandingChangedSince => "之后又被修改", "Changed since";
    StandingAsBefore => "已是维护前的值", "As before the session";
    MaintenanceChanges => "维护修改记录", "Maintenance changes";
    MaintenanceChangesHint => "服务商每次远程维护所做的修改都会记录在这里。你可以逐项查看，并撤销整个会话、某个部件或某一项修改；撤销本身也会被记录，且可以再撤销。", "Every change a provider makes in remote maintenance is recorded here. Review them and revert a whole session, one part or one change; a revert is recorded too and can itself be reverted.";
    NoChangeSets => "还没有维护记录", "No maintenance sessions yet";
    ChangeCount => "项修改", "changes";
    Unreviewed => "待查看", "Not reviewed";
    UnreviewedSessions => "待查看的维护", "Maintenance to review";
    ReviewedMark => "已查看", "Reviewed";
    MarkReviewed => "标记为已查看", "Mark as reviewed";
    SessionInProgress => "进行中", "In progress";
    OpenSession => "查看", "Open";
    ChangeSet => "维护修改", "Maintenance changes";
    RevertOfSet => "撤销记录", "Revert";
    BeforeSession => "维护前", "Before";
    AfterSession => "维护后", "After";
    NowValue => "当前", "Now";
    ChangedAt => "修改时间", "Changed at";
    RevertRule => "只有仍是维护后的值的修改才会被撤销；之后又被修改过的，默认保留当前值，你也可以单独恢复维护前的值。撤销不会删除任何已填写的数据。", "A change is reverted only where the app still holds the session's value; where it was changed since, the current value is kept unless you restore the earlier one for that change. Reverting never deletes entered data.";
    RevertSession => "撤销整个会话", "Revert the whole session";
    RevertPart => "撤销此部件的修改", "Revert this part's changes";
    RevertOne => "撤销此项", "Revert this change";
    RestoreBefore => "恢复维护前的值", "Restore the value before";
    Reverting => "正在撤销…", "Reverting…";
    RevertedCount => "已撤销的修改：", "Changes reverted: ";
    NothingToRevert => "没有可撤销的修改（可能已经撤销过）", "Nothing left to revert (it may have been reverted already)";
    DependentsTitle => "以下部件引用了将被移除的字段：", "These parts refer to a field the revert would remove:";
    DependentsHint => "它们也由本次维护修改时可以一并撤销；否则请先修改它们。", "Those changed in this session can be reverted along with it; others must be edited first.";
    RevertWithDependents => "连同它们一起撤销", "Revert together with them";
    ProviderInNow => "服务商正在维护此应用，维护结束后才能撤销", "A provider is maintaining this app now: reverting is possible once maintenance ends";
    SessionsAtCustomer => "远程维护中的修改", "Changes made in remote maintenance";
    TakeFixHome => "应用到我的应用（草稿）", "Apply to my app as a draft";
    TakeFixHint => "按升级的合并规则写入你的应用草稿（保留你的修改，不带客户的人员配置），随下一个版本发布给所有客户。", "Merged into your app's draft with the upgrade rules (your own edits kept, the customer's people left out), to reach every customer with your next version.";
    TakenHome => "已应用到你的应用的修改：", "Changes applied to your app: ";
    Risky => "需留意：", "Look at: ";
    OutcomeApplied => "采用新版本", "Taken from the new version";
    OutcomeKept => "保留你的修改", "Your change kept";
    OutcomeAgreed => "双方修改一致", "Same change on both sides";
    OutcomeMerged => "逐行合并了双方的修改", "Both edits combined line by line";
    OutcomeConflict => "冲突", "Conflict";
    OutcomeAdded => "新增", "Added";
    OutcomeRemoved => "移除", "Removed";
    OutcomeStaysDeleted => "你已删除，保持删除", "You deleted it: stays deleted";
    OutcomeNowYours => "新版本已删除，你修改过，改为你自己的", "Removed by the new version but changed by you: now your own";
    KeepMine => "保留我的", "Keep mine";
    TakeNew => "采用新版本", "Take the new version";
    Versions => "版本", "Versions";
    NoVersions => "尚未发布任何版本。分发链接销售已发布的版本：发布后，编辑器中的修改不会影响已售出的内容。", "No version published yet. Links sell published versions: once published, what you edit does not change what was sold.";
    VersionNumber => "版本号", "Version";
    Published => "发布时间", "Published";
    ReleaseNotes => "版本说明", "Release notes";
    PublishVersion => "发布新版本", "Publish a new version";
    NoChangesSince => "自以下版本以来没有变化：", "No changes since";
    ChangesSince => "相对于以下版本的变化：", "Changes since";
    NeedsAtLeast => "这些变化至少需要升级：", "These changes need at least a bump of:";
    Publish => "发布", "Publish";
    Publishing => "正在发布…", "Publishing…";
    SellsVersion => "销售的版本", "Version sold";
    FirstVersionHint => "尚未发布版本：创建链接时，应用的当前内容将发布为 1.0.0。", "No version is published yet: creating the link publishes the app as it is now as 1.0.0.";
    LatestVersion => "最新", "latest";
    ActingProvider => "服务商", "Provider";
    ActingCustomer => "客户", "Customer";
    ActVersionPublish => "发布了版本", "Published a version";
    ActUpgradeOffer => "向订单提供了升级", "Offered an upgrade to orders";
    ActUpgradeOffered => "服务商提供了新版本", "The provider offered a new version";
    ActUpgradeApply => "应用了升级", "Applied an upgrade";
    ActUpgradeRollback => "回滚了升级", "Rolled back an upgrade";
    ActUpgradeDecline => "拒绝了升级", "Declined an upgrade";
    UpgradeOffered => "有可用升级", "Upgrade offered";
    UpgradeApplied => "已升级", "Applied";
    UpgradeDeclined => "已拒绝", "Declined";
    UpgradeFailed => "升级失败", "Failed";
    UpgradeSuperseded => "已被更新的版本取代", "Superseded";
    UpgradeRolledBack => "已回滚", "Rolled back";
    AllUpgrades => "全部升级状态", "Any upgrade state";
    UpToDate => "最新", "Up to date";
    ScopeAll => "全部订单", "All orders";
    ScopeChosen => "仅以下订单", "Only these orders";
    ScopeAllExcept => "除以下订单外的全部订单", "All orders except these";
    ApplyUpgrade => "应用升级", "Apply the upgrade";
    RollBackUpgrade => "回滚升级", "Roll back the upgrade";
    InstalledVersion => "已安装版本", "Installed version";
    UndoUntil => "可撤销至", "can be undone until";
    PreviewUpgrade => "预览升级", "Preview the upgrade";
    PreviewRollback => "预览回滚", "Preview the rollback";
    DeclineUpgrade => "拒绝此升级", "Decline this upgrade";
    UpgradeTitle => "升级应用", "Upgrade the app";
    RollbackTitle => "回滚升级", "Roll back the upgrade";
    Applying => "正在升级…", "Applying…";
    RollingBack => "正在回滚…", "Rolling back…";
    UpgradeNeedsSetup => "新版本带来了需要你配置的部件（审批人、通知接收人或凭证），升级后会出现在配置清单中", "The new version brings parts you need to set up (approvers, recipients or credentials): they appear on the setup checklist after the upgrade";
    Conflicts => "冲突", "Conflicts";
    ConflictHint => "你和服务商都修改了以下内容。默认保留你的修改。", "Both you and the provider changed these. Your value is kept unless you choose otherwise.";
    ConflictRollbackHint => "升级之后这些内容又被修改过。默认保留当前内容。", "These were changed again after the upgrade. The current value is kept unless you choose otherwise.";
    WhatChanges => "将发生的变化", "What changes";
    NothingElseChanges => "没有其他变化", "Nothing else changes";
    Cancel => "取消", "Cancel";
    KeepCurrent => "保留当前", "Keep current";
    Restore => "恢复", "Restore";
    Revision => "修订", "Revision";
    OfferUpgrade => "提供给订单", "Offer to orders";
    Offering => "正在提供…", "Offering…";
    OrderNumbers => "订单号（每行一个或用逗号分隔）", "Order numbers (one per line or comma-separated)";
    OfferResult => "已提供", "Offered";
    OfferUnchanged => "无变化", "Unchanged";
    OfferNotUpgradable => "无法升级（购买于版本功能之前）", "Cannot upgrade (bought before versions)";
    UpgradeState => "升级", "Upgrade";
    ErrValueRequired => "必填", "Required";
    ErrValueTooLong => "内容过长（最多 2000 个字符）", "Too long (at most 2000 characters)";
    ErrInvalidNumber => "请填写数字，例如 12.5", "Enter a number, such as 12.5";
    ErrInvalidDate => "请填写日期，格式为 年-月-日", "Enter a date as year-month-day";
    ErrInvalidChoice => "请从选项中选择", "Choose one of the options";
    ErrInvalidMember => "请选择本组织的成员", "Choose a member of the organization";
    ErrInvalidValues => "有些内容需要修改，见各字段旁的提示", "Some values need changes: see the notes beside the fields";
    ErrProcessNotSetUp => "此表单的审批流程尚未设置，请联系管理员", "This form's approval process has not been set up; ask an admin";
    ErrAlreadyDecided => "这条记录已由其他人处理，或不在你的待办中", "This record has already been decided, or is not in your to-do list";
    ErrNoDataAccess => "客户未允许服务商查看数据：维护期间只能查看和修改应用的定义", "The customer has not allowed the provider to see its data: during maintenance you see the app's definition only";
    DataAccess => "允许服务商查看数据", "Allow the provider to see data";
    DataAccessHint => "仅限本次开放期间；服务商每次查看记录都会记入审计日志。关闭或重新开放访问时自动取消。", "For this access period only; every record the provider reads is in the audit log. Closing or reopening access turns it off.";
    DataAccessOn => "服务商可以查看数据", "The provider may see data";
    DataAccessOff => "服务商不能查看数据", "The provider cannot see data";
    AllowData => "允许查看数据", "Allow seeing data";
    DisallowData => "不再允许查看数据", "Stop allowing data";
    ActDataAccess => "更改服务商查看数据的权限", "Changed the provider's data access";
    ActRecordRead => "服务商查看了记录", "The provider read records";
    ErrInvalidComment => "意见：最多 500 个字符", "Comment: at most 500 characters";
    InviteMember => "邀请成员", "Invite member";
    Invite => "发送邀请", "Send invitation";
    Inviting => "正在发送…", "Sending…";
    InviteHint => "对方的邮箱地址：我们会发送一封邀请邮件", "Their email address: we will mail them an invitation";
    InvitationSent => "邀请已发送（7 天内有效）", "Invitation sent (valid for 7 days)";
    PendingInvitations => "待接受的邀请", "Pending invitations";
    NoPendingInvitations => "没有待接受的邀请", "No pending invitations";
    InvitedBy => "邀请人", "Invited by";
    Withdraw => "撤回", "Withdraw";
    Invitation => "邀请", "Invitation";
    InvitationTo => "邀请你加入", "invites you to join";
    AsRole => "身份", "as";
    SentTo => "发送给", "Sent to";
    AcceptInvitation => "接受邀请", "Accept invitation";
    Accepting => "正在接受…", "Accepting…";
    SignInToAccept => "请用收到邀请的邮箱登录或注册，然后接受邀请。", "Sign in or sign up with the address the invitation was sent to, then accept it.";
    VerifyEmail => "验证邮箱", "Verify email address";
    ConfirmEmail => "确认这是我的邮箱", "Confirm this is my address";
    Confirming => "正在确认…", "Confirming…";
    EmailVerified => "邮箱已验证", "Your email address is verified";
    EmailNotVerifiedYet => "你的邮箱尚未验证：请打开我们发给你的邮件中的链接。验证之前，你不能被邀请加入组织。", "Your email address is not verified yet: open the link in the mail we sent you. Until then you cannot be invited into an organization.";
    ResendVerification => "重新发送验证邮件", "Send the verification mail again";
    VerificationSent => "验证邮件已发送", "Verification mail sent";
    ErrExportRunning => "已有导出正在进行，请等它完成后再试", "An export is already running; try again when it has finished";
    MustChangePassword => "这是一次性密码：请设置新密码后继续使用", "This was a one-time password: choose a new password to continue";
    ErrEmailTaken => "该邮箱已注册", "This email is already registered";
    ErrInvalidEmail => "邮箱：格式不正确", "Email: not a valid email address";
    ErrInvalidDisplayName => "显示名称：需为 1–50 个字符", "Display name: must be 1–50 characters";
    ErrInvalidPassword => "密码：需为 8–128 个字符", "Password: must be 8–128 characters";
    ErrInvalidTimeZone => "时区：请填写 IANA 时区名称，例如 Asia/Shanghai", "Time zone: an IANA zone name, such as Asia/Shanghai";
    TimeZone => "时区", "Time zone";
    TimeZoneHelp => "组织内的所有时间都按此时区显示", "Every time in the organization is shown in this zone";
    ActOrgTimeZone => "修改时区", "Changed the time zone";
    ActOrgRename => "修改组织名称", "Renamed the organization";
    ErrInvalidOrgName => "组织名称：需为 1–100 个字符", "Organization name: must be 1–100 characters";
    ErrInvalidRole => "角色：只能是管理员或普通员工", "Role: must be admin or member";
    ErrInvalidCert => "认证等级：不是有效的等级", "Certification level: not a valid level";
    ErrAlreadyMember => "该用户已是本组织成员", "This user is already a member";
    ErrLastAdmin => "组织至少要保留一名管理员", "An organization must keep at least one admin";
    ErrNoOrg => "请先选择或创建组织", "Choose or create an organization first";
    ErrInvalidInput => "输入无效", "Invalid input";
    ErrTooLarge => "提交的内容过大", "The request is too large";
    ErrMethodNotAllowed => "此地址不支持这种请求方式", "This address does not accept this request method";
    ErrCrossSite => "跨站请求已被拒绝", "Cross-site request refused";
    ErrInternal => "服务器出错了，请稍后重试", "Something went wrong on the server; please try again";
    ErrInvalidIcon => "图标：不在可选范围内", "Icon: not one of the available icons";
    ErrInvalidFormKind => "表单类型：只能是普通表单或流程表单", "Form kind: must be plain or process";
    ErrInvalidFieldType => "字段类型：不是有效的类型", "Field type: not a valid type";
    ErrInvalidTrigger => "触发时机：不是有效的选项", "When: not a valid trigger";
    ErrInvalidRecipient => "接收人：不是有效的接收人", "Recipient: not a valid recipient";
    ErrInvalidOptions => "选项：单选和多选字段需要 1–50 个选项，每个不超过 60 个字符", "Options: choice fields need 1–50 options of at most 60 characters";
    ErrOptionsNotAllowed => "选项：只有单选和多选字段可以设置选项", "Options: only choice fields have options";
    ErrInvalidEndpoint => "接口地址：需为 http:// 或 https:// 开头的完整地址（最多 500 个字符）", "Endpoint URL: must be a full http:// or https:// address (at most 500 characters)";
    ErrInvalidAppName => "应用名称：需为 1–60 个字符", "App name: must be 1–60 characters";
    ErrInvalidDescription => "描述：最多 500 个字符", "Description: at most 500 characters";
    ErrInvalidFormName => "表单名称：需为 1–60 个字符", "Form name: must be 1–60 characters";
    ErrInvalidFieldLabel => "字段名称：需为 1–60 个字符", "Field label: must be 1–60 characters";
    ErrInvalidStepName => "步骤名称：需为 1–60 个字符", "Step name: must be 1–60 characters";
    ErrInvalidMessage => "消息内容：需为 1–1000 个字符", "Message: must be 1–1000 characters";
    ErrUnknownPlaceholder => "消息内容：{{…}} 中引用了表单里没有的字段", "Message: a {{…}} placeholder names a field the form does not have";
    ErrInvalidServiceName => "服务名称：需为 1–60 个字符", "Service name: must be 1–60 characters";
    ErrInvalidCredential => "凭证：需为 1–4096 个字符", "Credential: must be 1–4096 characters";
    ErrTooMany => "已达到数量上限", "The limit for this list has been reached";
    ErrNotAProcessForm => "只有流程表单才有流程", "Only process forms have a process";
    ErrAppEditOnly => "没有权限：只有管理员和应用管理员可以修改此应用", "No permission: only admins and app admins can change this app";
    ErrAppCreateAdminOnly => "没有权限：只有组织管理员可以新建应用", "No permission: only an organization admin can create apps";
    ErrNotOrgUser => "所选用户不是本组织成员", "The chosen user is not a member of this organization";
    ErrAlreadyAdded => "已经添加过了", "Already added";
    ErrIsvOnly => "只有中级及以上认证服务商可以分发应用", "Only certified service providers (intermediate or above) can distribute apps";
    ErrLinkInvalid => "此链接已失效", "This link is no longer valid";
    ErrBuyAdminOnly => "没有权限：只有组织管理员可以购买应用", "No permission: only an organization admin can buy apps";
    ErrOwnApp => "这是你自己组织的应用，无需购买", "This app belongs to your own organization";
    ErrInvalidExpiry => "有效期：需为 1–365 天", "Expiry: must be 1–365 days";
    ErrInvalidMaxPurchases => "最多购买次数：需为 1–1000000 的整数，或留空表示不限", "Maximum purchases: a whole number from 1 to 1,000,000, or empty for unlimited";
    ErrInvalidBoundOrg => "指定客户组织：不是有效的组织 ID", "Customer organization: not a valid organization ID";
    ErrInvalidNote => "备注：最多 200 个字符", "Note: at most 200 characters";
    DistributeApp => "分发此应用", "Distribute this app";
    CopyLink => "复制应用分发链接", "Copy distribution link";
    CreatingLink => "正在生成链接…", "Creating the link…";
    LinkCopied => "链接已复制到剪贴板", "The link has been copied to the clipboard";
    LinkCopyManually => "无法使用剪贴板，请手动复制下面的链接", "The clipboard is not available: copy the link below";
    Contains => "包含", "Contains";
    ProcessForms => "流程表单", "process forms";
    FormsCount => "个表单", "forms";
    TemplatesCount => "个通知模板", "notification templates";
    ServicesCount => "个三方服务", "third-party services";
    CustomerMustReconfigure => "客户购买后需要重新配置", "The customer will have to reconfigure";
    NothingToReconfigure => "无需重新配置", "Nothing to reconfigure";
    LinkOptions => "链接设置", "Link options";
    ExpiresDays => "有效期（天）", "Expires after (days)";
    MaxPurchases => "最多购买次数（留空不限）", "Maximum purchases (empty: unlimited)";
    BoundOrg => "仅限此客户组织 ID（可选）", "Only for this customer organization ID (optional)";
    Note => "备注", "Note";
    Links => "分发链接", "Distribution links";
    NoLinks => "暂无分发链接", "No distribution links yet";
    Created => "创建时间", "Created";
    CreatedBy => "创建人", "By";
    Expires => "有效期至", "Expires";
    Purchases => "购买次数", "Purchases";
    Views => "浏览", "Views";
    Status => "状态", "Status";
    Revoke => "撤销", "Revoke";
    Unlimited => "不限", "unlimited";
    LinkActive => "有效", "Active";
    LinkExpired => "已过期", "Expired";
    LinkUsedUp => "已用完", "Used up";
    LinkRevoked => "已撤销", "Revoked";
    LinkInvalidTitle => "此链接已失效", "This link is no longer valid";
    LinkInvalidHint => "链接可能已过期、已被撤销或已达到购买上限。请联系服务商获取新链接。", "It may have expired, been revoked or reached its purchase limit. Ask the service provider for a new link.";
    ProvidedBy => "服务商", "Service provider";
    BuyApp => "购买应用", "Buy app";
    Buying => "正在购买…", "Buying…";
    SignInToBuy => "登录后购买", "Sign in to buy";
    ChooseOrg => "选择购买的组织", "Choose the organization that buys";
    AlreadyInstalledIn => "已安装在此组织", "Already installed here";
    OpenInstalled => "打开已安装的应用", "Open the installed app";
    AskAdmin => "请管理员购买", "Ask an admin to buy";
    AskAdminHint => "你在这些组织里是普通员工，可以请管理员购买：", "You are a member of these organizations and can ask an admin to buy:";
    AskSent => "已通知管理员", "The admins have been asked";
    NoOrgToBuy => "你还没有可以购买的组织。", "You have no organization to buy into yet.";
    Requests => "购买请求", "Purchase requests";
    RequestedBy => "申请人", "Requested by";
    Dismiss => "忽略", "Dismiss";
    SetupChecklist => "配置清单", "Setup checklist";
    SetupIncomplete => "待配置", "Setup incomplete";
    SetupDone => "配置已完成", "Setup complete";
    NeedProcess => "流程表单需要重新配置流程", "Process form needs its process configured again";
    NeedTemplate => "通知模板需要重新配置", "Notification template needs to be configured again";
    NeedService => "三方服务需要重新配置", "Third-party service needs to be configured again";
    Fix => "去配置", "Configure";
    OrgId => "组织 ID", "Organization ID";
    ErrMaintainerOnly => "没有权限：只有服务商管理员和该应用的应用管理员可以远程维护", "No permission: only the service provider's admins and the app's app admins can maintain it";
    ErrAccessClosed => "客户已关闭此应用的维护权限（或已过期）", "The customer has closed maintenance access to this app (or it has expired)";
    ErrInvalidAccessDays => "开放天数：需为 1–90 天", "Access period: must be 1–90 days";
    ErrNotDuringMaintenance => "远程维护期间不能使用此功能，请先退出维护", "Not available during remote maintenance: exit maintenance first";
    ErrMaintenanceEnded => "远程维护已结束，已返回你自己的组织", "Remote maintenance has ended; you are back in your own organization";
    YouAreMaintaining => "你正在远程维护", "You are maintaining";
    For => "客户", "for";
    ExitMaintenance => "退出维护", "Exit maintenance";
    MaintenanceOver => "远程维护已结束：", "Remote maintenance has ended:";
    EndedExit => "你已退出维护。", "you exited it.";
    EndedTimeout => "已达到 2 小时上限。", "it reached its 2-hour limit.";
    EndedClosed => "客户关闭了维护权限。", "the customer closed access.";
    EndedExpired => "维护权限已到期。", "access expired.";
    EndedRightsLost => "你已不再是服务商的管理员或此应用的应用管理员。", "you are no longer an admin of the provider or an app admin of this app.";
    EndedCertRevoked => "服务商的认证已被撤销。", "the provider's certification was withdrawn.";
    IsMaintaining => "正在维护", "is maintaining";
    EndMaintenance => "结束维护", "End maintenance";
    RemoteMaintenance => "远程维护", "Remote maintenance";
    AccessOpenUntil => "服务商可维护，截至", "The service provider may maintain this app until";
    AccessClosedState => "服务商不能维护此应用（开发状态已关闭）", "The service provider cannot maintain this app (development state closed)";
    CloseDevState => "关闭开发状态", "Close development state";
    CloseDevHint => "服务商将立即无法维护此应用", "The service provider loses access at once";
    RequestMaintenance => "申请维护", "Request maintenance";
    AccessDays => "开放天数（1–90）", "Access period in days (1–90)";
    OrderCenter => "订单中心", "Order Center";
    Search => "搜索", "Search";
    SearchHint => "客户组织、应用、购买人或链接创建人", "Customer, app, buyer or link creator";
    MaintenanceAccess => "维护权限", "Maintenance access";
    AllAccess => "全部", "All";
    OpenNow => "开放中", "Open";
    Requested => "客户申请维护", "Maintenance requested";
    Closed => "已关闭", "Closed";
    OpenUntil => "开放至", "open until";
    ExportCsv => "导出 CSV", "Export CSV";
    NoOrders => "暂无订单", "No orders";
    OrderNo => "订单号", "Order no.";
    Order => "订单", "Order";
    App => "应用", "App";
    Customer => "客户组织", "Customer";
    Buyer => "购买人", "Buyer";
    PurchasedAt => "购买时间", "Purchased";
    Setup => "配置", "Setup";
    MaintenanceRequested => "申请维护", "Maintenance requested";
    NextPage => "下一页", "Next page";
    Timeline => "时间线", "Timeline";
    EvLinkCreated => "创建分发链接", "Distribution link created";
    EvPurchased => "客户购买", "Purchased";
    EvSetupItem => "完成配置项", "Setup item completed";
    EvAccessClosed => "客户关闭维护权限", "Customer closed maintenance access";
    EvRequested => "客户申请维护", "Customer requested maintenance";
    EvMaintenance => "远程维护", "Remote maintenance";
    InProgress => "进行中", "in progress";
    Minutes => "分钟", "min";
    AuditLog => "审计日志", "Audit log";
    ByProviders => "仅看服务商的修改", "Only changes made by service providers";
    Who => "操作人", "Who";
    ActingAs => "身份", "Acting as";
    ActingSelf => "本人", "Self";
    ActingAppAdmin => "应用管理员", "App admin";
    ActingMaintenance => "远程维护，订单", "Remote maintenance of order";
    ActingMaintainer => "应用管理员（远程维护），订单", "App admin via remote maintenance of order";
    ActAppCreate => "创建应用", "Created the app";
    ActAppUpdate => "修改应用信息", "Changed the app's details";
    ActAppDelete => "删除应用", "Deleted the app";
    ActAppInstalled => "安装应用", "Installed the app";
    ActAppAdminAdd => "添加应用管理员", "Added an app admin";
    ActAppAdminRemove => "移除应用管理员", "Removed an app admin";
    ActFormAdd => "添加表单", "Added a form";
    ActFormRename => "重命名表单", "Renamed a form";
    ActFormMove => "调整表单顺序", "Moved a form";
    ActFormDelete => "删除表单", "Deleted a form";
    ActFieldAdd => "添加字段", "Added a field";
    ActFieldUpdate => "修改字段", "Changed a field";
    ActFieldMove => "调整字段顺序", "Moved a field";
    ActFieldDelete => "删除字段", "Deleted a field";
    ActStepAdd => "添加审批节点", "Added an approval step";
    ActStepRename => "重命名审批节点", "Renamed an approval step";
    ActStepMove => "调整审批节点顺序", "Moved an approval step";
    ActStepDelete => "删除审批节点", "Deleted an approval step";
    ActApproverAdd => "添加审批人", "Added an approver";
    ActApproverRemove => "移除审批人", "Removed an approver";
    ActTemplateAdd => "添加消息模板", "Added a message template";
    ActTemplateUpdate => "修改消息模板", "Changed a message template";
    ActTemplateDelete => "删除消息模板", "Deleted a message template";
    ActRecipientAdd => "添加接收人", "Added a recipient";
    ActRecipientRemove => "移除接收人", "Removed a recipient";
    ActServiceAdd => "添加第三方服务", "Added a third-party service";
    ActServiceUpdate => "修改第三方服务", "Changed a third-party service";
    ActServiceCredential => "更换服务凭证", "Replaced a service credential";
    ActServiceDelete => "删除第三方服务", "Deleted a third-party service";
    ActUseBy => "更改应用的使用范围", "Changed who may use the app";
    ActAppUserAdd => "添加应用使用者", "Added an app user";
    ActAppUserRemove => "移除应用使用者", "Removed an app user";
    UseByEveryone => "组织内所有人", "Everyone in the organization";
    UseByChosen => "指定成员", "Chosen members";
    WhoMayUse => "使用范围", "Who may use it";
    WhoMayUseHint => "管理员和应用管理员始终可以使用。", "Admins and app admins can always use it.";
    NoAppUsers => "尚未指定成员", "No members chosen yet";
    ErrNotAppUser => "你不在此应用的使用范围内，请联系应用管理员", "You are not among this app's users; ask an app admin";
    ActServiceCallAdd => "设置三方服务的调用时机", "Set when a service is called";
    ActServiceCallRemove => "取消三方服务的调用时机", "Stopped calling a service on an event";
    ActDeliveryRetry => "重新发送三方服务调用", "Retried a service call";
    ActLinkCreate => "创建分发链接", "Created a distribution link";
    ActLinkRevoke => "撤销分发链接", "Revoked a distribution link";
    ActOrderPurchased => "购买应用", "Bought an app";
    ActPurchaseRequested => "申请购买", "Asked an admin to buy";
    ActPurchaseDismissed => "忽略购买申请", "Dismissed a purchase request";
    ActMaintenanceStart => "开始远程维护", "Started remote maintenance";
    ActMaintenanceClose => "关闭维护权限", "Closed maintenance access";
    ActMaintenanceRequest => "申请维护", "Requested maintenance";
    ActMemberInvite => "邀请成员", "Invited a member";
    ActMemberInviteWithdraw => "撤回邀请", "Withdrew an invitation";
    ActMemberJoin => "加入组织", "Joined the organization";
    ActMemberRole => "修改成员角色", "Changed a member's role";
    ActMemberRemove => "移除成员", "Removed a member";
    ActOrgCreate => "创建组织", "Created the organization";
    ActOrgCertification => "修改认证等级", "Changed the certification";
    ActPasswordChanged => "修改密码", "Changed the password";
    ActSignInFailed => "登录失败", "Failed sign-in";
    What => "操作", "What";
    When => "时间", "When";
    Changes => "变更", "Changes";
    NoEntries => "暂无记录", "No entries";
    Filter => "筛选", "Filter";
    NewApp => "新建应用", "New app";
    AppName => "应用名称", "App name";
    Icon => "图标", "Icon";
    Description => "描述", "Description";
    OpenApp => "打开", "Open";
    EditApp => "编辑应用", "Edit app";
    MoreActions => "更多操作", "More actions";
    LastChange => "最近修改", "last changed";
    OriginOwn => "自建", "Built here";
    OriginInstalled => "已安装", "Installed";
    Version => "版本", "version";
    ReadOnly => "只读：只有管理员和应用管理员可以修改此应用。", "Read-only: only admins and app admins can change this app.";
    Settings => "应用设置", "App settings";
    AppAdmins => "应用管理员", "App admins";
    NoAppAdmins => "暂无应用管理员", "No app admins yet";
    ChooseUser => "选择成员", "Choose a user";
    Forms => "表单", "Forms";
    NoForms => "暂无表单", "No forms yet";
    AddForm => "添加表单", "Add form";
    FormName => "表单名称", "Form name";
    Kind => "类型", "Kind";
    Rename => "重命名", "Rename";
    MoveUp => "上移", "Move up";
    MoveDown => "下移", "Move down";
    Delete => "删除", "Delete";
    Edit => "编辑", "Edit";
    Fields => "字段", "Fields";
    NoFields => "暂无字段", "No fields yet";
    AddField => "添加字段", "Add field";
    FieldLabel => "字段名称", "Label";
    FieldType => "字段类型", "Type";
    Required => "必填", "Required";
    Yes => "是", "Yes";
    No => "否", "No";
    Options => "选项（每行一个，仅单选/多选）", "Options (one per line, choice fields only)";
    Process => "流程", "Process";
    NoSteps => "暂无审批步骤", "No approval steps yet";
    AddStep => "添加步骤", "Add step";
    StepName => "步骤名称", "Step name";
    Approvers => "审批人", "Approvers";
    AddApprover => "添加审批人", "Add approver";
    NoApprovers => "未设置审批人", "No approvers yet";
    Templates => "通知模板", "Notification templates";
    NoTemplates => "暂无通知模板", "No notification templates yet";
    AddTemplate => "添加通知模板", "Add notification template";
    Form => "表单", "Form";
    Trigger => "触发时机", "When";
    Recipients => "接收人", "Recipients";
    Submitter => "提交人", "The submitter";
    AddRecipient => "添加接收人", "Add recipient";
    NoRecipients => "未设置接收人", "No recipients yet";
    Message => "消息内容", "Message";
    MessageHint => "可用 {{字段名称}} 引用表单字段", "Use {{field label}} to insert a field of the form";
    Services => "三方服务", "Third-party services";
    NoServices => "暂无三方服务", "No third-party services yet";
    AddService => "添加三方服务", "Add third-party service";
    ServiceName => "服务名称", "Service name";
    Endpoint => "接口地址", "Endpoint URL";
    Credential => "凭证", "Credential";
    CredentialHint => "保存后不会再显示", "It is never shown again after saving";
    CredentialSet => "已设置", "Set";
    CredentialNotSet => "未设置", "Not set";
    SetAt => "设置于", "on";
    SetCredential => "设置凭证", "Set credential";
    ReplaceCredential => "更换凭证", "Replace credential";
    NeedsConfig => "需要配置", "Needs configuration";
    DeleteApp => "删除应用", "Delete app";
    DeleteAppWarning => "删除后，应用及其表单、流程、通知模板和三方服务都将被移除，且无法恢复。", "Deleting removes the app with its forms, processes, notification templates and third-party services. This cannot be undone.";
    ConfirmDeleteApp => "确认删除此应用", "Yes, delete this app";
    IconClipboard => "清单", "Clipboard";
    IconToolbox => "工具箱", "Toolbox";
    IconTruck => "货车", "Truck";
    IconChart => "图表", "Chart";
    IconWrench => "扳手", "Wrench";
    IconReceipt => "票据", "Receipt";
    IconCalendar => "日历", "Calendar";
    IconBriefcase => "公文包", "Briefcase";
    FormPlain => "普通表单", "Plain form";
    FormProcess => "流程表单", "Process form";
    FieldText => "文本", "Text";
    FieldNumber => "数字", "Number";
    FieldDate => "日期", "Date";
    FieldSingleChoice => "单选", "Single choice";
    FieldMultiChoice => "多选", "Multiple choice";
    FieldMember => "成员", "Member";
    TriggerSubmitted => "记录提交时", "Record submitted";
    TriggerApproved => "审批通过时", "Approved";
    TriggerRejected => "审批拒绝时", "Rejected";
    ErrInvalidTrialDays => "试用天数：需为 1–90 天，或留空表示不提供试用", "Trial: 1–90 days, or empty for no trial";
    ErrInvalidTerm => "付费期限：需为 1–120 个月或“长期有效”；试用和付费期限至少提供一项", "Paid term: 1–120 months or no end; offer a trial, a paid term or both";
    ErrInvalidSeats => "席位数：需为 1–100000 的整数，或留空表示不限", "Seats: a whole number from 1 to 100,000, or empty for unlimited";
    ErrInvalidGraceDays => "宽限期：需为 0–60 天", "Grace period: 0–60 days";
    ErrInvalidSuspendReason => "暂停原因：需为 1–200 个字符", "Reason for suspending: must be 1–200 characters";
    ErrTrialUsed => "此组织已试用过此应用，每个组织只能试用一次", "This organization has already tried this app: one trial per organization";
    ErrSeatsExhausted => "席位已用完：请先移除其他使用者，或请服务商增加席位", "No seats left: remove another user first, or ask the service provider for more seats";
    ErrLicenceIsvOnly => "没有权限：只有售出此订单的服务商的管理员和该应用的应用管理员可以修改许可", "No permission: only the admins of the service provider that sold this order and the app's app admins can change its licence";
    ErrLicenceReadOnly => "此应用的许可已到期或被暂停：记录仍可查看和导出，但不能新增或发起审批", "This app's licence has ended or is suspended: records can still be viewed and exported, not added or sent for approval";
    Licence => "许可", "Licence";
    AllLicences => "全部许可状态", "All licences";
    OverSeat => "超出席位：以下使用者（最后授权的在前）将在此时间后不能再提交：", "Over the seats: these users (the last granted first) can no longer submit from: ";
    ExpiringSoon => "30 天内到期", "Ending within 30 days";
    LicenceEnds => "到期", "Ends";
    LicenceNoEnd => "长期有效", "No end";
    LicenceSeats => "席位", "Seats";
    LicenceUnlimited => "不限", "Unlimited";
    LicenceNext => "之后：", "Next: ";
    LicenceDaysLeft => "剩余天数：", "Days left: ";
    LicenceSuspendedReason => "服务商暂停了许可：", "The provider suspended the licence: ";
    LicenceDataStays => "无论许可状态如何，记录都可以查看和导出，数据不会被删除。", "Whatever the licence's state, the records can be viewed and exported; nothing is deleted.";
    LicenceExtend => "延长", "Extend";
    LicenceMonths => "月数（留空表示长期有效）", "Months (empty: no end)";
    LicenceSetSeats => "设置席位", "Set seats";
    LicenceSeatsHint => "席位数（留空表示不限）", "Seats (empty: unlimited)";
    LicenceSuspend => "暂停", "Suspend";
    LicenceResume => "恢复", "Resume";
    LicenceReason => "原因", "Reason";
    ActLicenceChange => "修改了许可", "Changed the licence";
    LinkTerms => "许可条款", "Licence terms";
    LinkTrialDays => "试用天数（1–90，留空表示不提供试用）", "Trial days (1–90; empty: no trial)";
    LinkTerm => "付费期限（月数，或 no_end 表示长期有效；留空表示仅试用）", "Paid term (months, or no_end; empty: trial only)";
    LinkGraceDays => "宽限天数（0–60，默认 7）", "Grace days (0–60, default 7)";
    LicenceKindTrial => "试用", "Trial";
    LicenceKindPaid => "付费", "Paid";
    LicenceTrial => "试用中", "Trial";
    LicenceActive => "有效", "Active";
    LicenceGrace => "宽限期", "Grace period";
    LicenceReadOnly => "只读", "Read-only";
    LicenceArchived => "已归档", "Archived";
    LicenceSuspended => "已暂停", "Suspended";
    OfferTrialDays => "试用天数", "Trial days";
    LicenceUntil => "正常使用至", "normal use until";
    ActLicenceRenewed => "通过续费链接续费了许可", "Renewed the licence through a renewal link";
    RenewalLink => "续费链接", "Renewal link";
    CreateRenewalLink => "生成续费链接", "Create renewal link";
    CreatingRenewalLink => "正在生成…", "Creating…";
    RenewalLinkHint => "仅限此订单的客户购买一次，30 天内有效；购买后许可从到期日（已过期则从今天）起延长，已安装的应用、数据和客户的修改保持不变。", "For this order's customer, one purchase, valid 30 days; buying it extends the licence from its end (or from today if it has ended), on the same installed app with its data and the customer's changes.";
    RenewsOrder => "续费订单：", "Renews order: ";
    RenewsLicence => "此链接用于续费已购买的应用，不会安装新的副本。", "This link renews an app already bought; it installs no new copy.";
    RenewApp => "续费", "Renew";
    Renewing => "正在续费…", "Renewing…";
    OfferTermMonths => "付费期限（月）", "Paid term (months)";
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

/// The language of the request being served, provided by the router (it
/// reads the request; this module reads no HTTP).
#[derive(Clone, Copy, Debug)]
pub struct RequestLang(pub Lang);

impl Lang {
    /// The remembered choice (`cookie`), else the browser's preference.
    pub fn from_request(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
        cookie
            .and_then(Lang::parse)
            .or_else(|| accept_language.map(Lang::from_accept_language))
            .unwrap_or_default()
    }
}

/// The language of the current request (server) or page (browser).
pub fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<RequestLang>()
            .map(|l| l.0)
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
