//! The one error type of every server function: a stable code and a message
//! in the caller's language. Causes are logged on the server, never sent.

use crate::i18n::{Lang, K};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    OperatorOnly,
    AdminOnly,
    NotFound,
    BadCredentials,
    EmailTaken,
    InvalidEmail,
    InvalidDisplayName,
    InvalidPassword,
    InvalidOrgName,
    InvalidTimeZone,
    InvalidRole,
    InvalidCert,
    AlreadyMember,
    LastAdmin,
    NoOrg,
    InvalidInput,
    TooLarge,
    MethodNotAllowed,
    InvalidIcon,
    InvalidFormKind,
    InvalidFieldType,
    InvalidTrigger,
    InvalidRecipient,
    InvalidOptions,
    OptionsNotAllowed,
    InvalidEndpoint,
    InvalidAppName,
    InvalidDescription,
    InvalidFormName,
    InvalidFieldLabel,
    InvalidStepName,
    InvalidMessage,
    UnknownPlaceholder,
    InvalidServiceName,
    InvalidCredential,
    TooMany,
    NotAProcessForm,
    AppEditOnly,
    AppCreateAdminOnly,
    NotOrgUser,
    AlreadyAdded,
    IsvOnly,
    LinkInvalid,
    BuyAdminOnly,
    OwnApp,
    InvalidExpiry,
    InvalidMaxPurchases,
    InvalidBoundOrg,
    InvalidNote,
    MaintainerOnly,
    AccessClosed,
    InvalidAccessDays,
    NotDuringMaintenance,
    MaintenanceEnded,
    SignInSlowDown,
    SignInLocked,
    WrongCurrentPassword,
    PasswordChangeRequired,
    NotOwnApp,
    ServerBusy,
    SignUpSlowDown,
    CommonPassword,
    PasswordHasEmail,
    InvitationInvalid,
    InvitationOtherEmail,
    VerificationInvalid,
    ExportRunning,
    MailNotSent,
    ValueRequired,
    ValueTooLong,
    InvalidNumber,
    InvalidDate,
    InvalidChoice,
    InvalidMember,
    InvalidValues,
    ProcessNotSetUp,
    AlreadyDecided,
    InvalidComment,
    NoDataAccess,
    NotAppUser,
    InvalidVersion,
    NothingToPublish,
    VersionNotGreater,
    NeedsMinor,
    NeedsMajor,
    NotPublished,
    InvalidNotes,
    InvalidOrderList,
    NotUpgradable,
    UpgradeNotPossible,
    UpgradeChanged,
    MaintenanceInProgress,
    InvalidTrialDays,
    InvalidTerm,
    InvalidSeats,
    InvalidGraceDays,
    InvalidSuspendReason,
    TrialUsed,
    SeatsExhausted,
    /// The app's licence has ended (or is suspended): no new records.
    LicenceReadOnly,
    LicenceIsvOnly,
    Internal,
}

impl ErrorCode {
    pub fn key(self) -> K {
        use ErrorCode::*;
        match self {
            Unauthenticated => K::ErrUnauthenticated,
            Forbidden => K::ErrForbidden,
            OperatorOnly => K::ErrOperatorOnly,
            AdminOnly => K::ErrAdminOnly,
            NotFound => K::ErrNotFound,
            BadCredentials => K::ErrBadCredentials,
            EmailTaken => K::ErrEmailTaken,
            InvalidEmail => K::ErrInvalidEmail,
            InvalidDisplayName => K::ErrInvalidDisplayName,
            InvalidPassword => K::ErrInvalidPassword,
            InvalidOrgName => K::ErrInvalidOrgName,
            InvalidTimeZone => K::ErrInvalidTimeZone,
            InvalidRole => K::ErrInvalidRole,
            InvalidCert => K::ErrInvalidCert,
            AlreadyMember => K::ErrAlreadyMember,
            LastAdmin => K::ErrLastAdmin,
            NoOrg => K::ErrNoOrg,
            InvalidInput => K::ErrInvalidInput,
            TooLarge => K::ErrTooLarge,
            MethodNotAllowed => K::ErrMethodNotAllowed,
            InvalidIcon => K::ErrInvalidIcon,
            InvalidFormKind => K::ErrInvalidFormKind,
            InvalidFieldType => K::ErrInvalidFieldType,
            InvalidTrigger => K::ErrInvalidTrigger,
            InvalidRecipient => K::ErrInvalidRecipient,
            InvalidOptions => K::ErrInvalidOptions,
            OptionsNotAllowed => K::ErrOptionsNotAllowed,
            InvalidEndpoint => K::ErrInvalidEndpoint,
            InvalidAppName => K::ErrInvalidAppName,
            InvalidDescription => K::ErrInvalidDescription,
            InvalidFormName => K::ErrInvalidFormName,
            InvalidFieldLabel => K::ErrInvalidFieldLabel,
            InvalidStepName => K::ErrInvalidStepName,
            InvalidMessage => K::ErrInvalidMessage,
            UnknownPlaceholder => K::ErrUnknownPlaceholder,
            InvalidServiceName => K::ErrInvalidServiceName,
            InvalidCredential => K::ErrInvalidCredential,
            TooMany => K::ErrTooMany,
            NotAProcessForm => K::ErrNotAProcessForm,
            AppEditOnly => K::ErrAppEditOnly,
            AppCreateAdminOnly => K::ErrAppCreateAdminOnly,
            NotOrgUser => K::ErrNotOrgUser,
            AlreadyAdded => K::ErrAlreadyAdded,
            IsvOnly => K::ErrIsvOnly,
            LinkInvalid => K::ErrLinkInvalid,
            BuyAdminOnly => K::ErrBuyAdminOnly,
            OwnApp => K::ErrOwnApp,
            InvalidExpiry => K::ErrInvalidExpiry,
            InvalidMaxPurchases => K::ErrInvalidMaxPurchases,
            InvalidBoundOrg => K::ErrInvalidBoundOrg,
            InvalidNote => K::ErrInvalidNote,
            MaintainerOnly => K::ErrMaintainerOnly,
            AccessClosed => K::ErrAccessClosed,
            InvalidAccessDays => K::ErrInvalidAccessDays,
            NotDuringMaintenance => K::ErrNotDuringMaintenance,
            MaintenanceEnded => K::ErrMaintenanceEnded,
            SignInSlowDown => K::ErrSignInSlowDown,
            SignInLocked => K::ErrSignInLocked,
            WrongCurrentPassword => K::ErrWrongCurrentPassword,
            PasswordChangeRequired => K::ErrPasswordChangeRequired,
            NotOwnApp => K::ErrNotOwnApp,
            ServerBusy => K::ErrServerBusy,
            SignUpSlowDown => K::ErrSignUpSlowDown,
            CommonPassword => K::ErrCommonPassword,
            PasswordHasEmail => K::ErrPasswordHasEmail,
            InvitationInvalid => K::ErrInvitationInvalid,
            InvitationOtherEmail => K::ErrInvitationOtherEmail,
            VerificationInvalid => K::ErrVerificationInvalid,
            ExportRunning => K::ErrExportRunning,
            MailNotSent => K::ErrMailNotSent,
            ValueRequired => K::ErrValueRequired,
            ValueTooLong => K::ErrValueTooLong,
            InvalidNumber => K::ErrInvalidNumber,
            InvalidDate => K::ErrInvalidDate,
            InvalidChoice => K::ErrInvalidChoice,
            InvalidMember => K::ErrInvalidMember,
            InvalidValues => K::ErrInvalidValues,
            ProcessNotSetUp => K::ErrProcessNotSetUp,
            AlreadyDecided => K::ErrAlreadyDecided,
            InvalidComment => K::ErrInvalidComment,
            NoDataAccess => K::ErrNoDataAccess,
            NotAppUser => K::ErrNotAppUser,
            InvalidVersion => K::ErrInvalidVersion,
            NothingToPublish => K::ErrNothingToPublish,
            VersionNotGreater => K::ErrVersionNotGreater,
            NeedsMinor => K::ErrNeedsMinor,
            NeedsMajor => K::ErrNeedsMajor,
            NotPublished => K::ErrNotPublished,
            InvalidNotes => K::ErrInvalidNotes,
            InvalidOrderList => K::ErrInvalidOrderList,
            NotUpgradable => K::ErrNotUpgradable,
            UpgradeNotPossible => K::ErrUpgradeNotPossible,
            UpgradeChanged => K::ErrUpgradeChanged,
            MaintenanceInProgress => K::ErrMaintenanceInProgress,
            InvalidTrialDays => K::ErrInvalidTrialDays,
            InvalidTerm => K::ErrInvalidTerm,
            InvalidSeats => K::ErrInvalidSeats,
            InvalidGraceDays => K::ErrInvalidGraceDays,
            InvalidSuspendReason => K::ErrInvalidSuspendReason,
            TrialUsed => K::ErrTrialUsed,
            SeatsExhausted => K::ErrSeatsExhausted,
            LicenceReadOnly => K::ErrLicenceReadOnly,
            LicenceIsvOnly => K::ErrLicenceIsvOnly,
            Internal => K::ErrInternal,
        }
    }

    /// HTTP status for API callers outside the browser.
    pub fn status(self) -> u16 {
        use ErrorCode::*;
        match self {
            Unauthenticated | BadCredentials => 401,
            Forbidden
            | OperatorOnly
            | AdminOnly
            | AppEditOnly
            | AppCreateAdminOnly
            | IsvOnly
            | BuyAdminOnly
            | MaintainerOnly
            | NotDuringMaintenance
            | MaintenanceEnded
            | PasswordChangeRequired
            | NotOwnApp
            | NoDataAccess
            | NotAppUser
            | InvitationOtherEmail
            | LicenceIsvOnly => 403,
            NotFound | LinkInvalid | InvitationInvalid | VerificationInvalid => 404,
            EmailTaken
            | AlreadyMember
            | LastAdmin
            | AlreadyAdded
            | TooMany
            | OwnApp
            | AccessClosed
            | ProcessNotSetUp
            | AlreadyDecided
            | NothingToPublish
            | VersionNotGreater
            | NotUpgradable
            | UpgradeNotPossible
            | UpgradeChanged
            | MaintenanceInProgress
            | TrialUsed
            | SeatsExhausted
            | LicenceReadOnly => 409,
            SignInSlowDown | SignInLocked | SignUpSlowDown | ExportRunning => 429,
            ServerBusy | MailNotSent => 503,
            MethodNotAllowed => 405,
            TooLarge => 413,
            Internal => 500,
            _ => 400,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    /// Problems with single values of a form, each shown beside its field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

/// One value a form cannot take, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field_id: String,
    pub code: ErrorCode,
}

impl AppError {
    /// An error in the language of the current request.
    pub fn new(code: ErrorCode) -> Self {
        Self::in_lang(code, crate::i18n::initial_lang())
    }

    pub fn in_lang(code: ErrorCode, lang: Lang) -> Self {
        AppError {
            code,
            message: code.key().text(lang).to_string(),
            fields: Vec::new(),
        }
    }

    /// Some values of a form cannot be taken: each problem goes beside its field.
    pub fn values(fields: Vec<FieldError>) -> Self {
        AppError {
            fields,
            ..Self::new(ErrorCode::InvalidValues)
        }
    }

    /// An unexpected failure: the cause goes to the log, the caller gets a code.
    #[track_caller]
    pub fn internal(cause: impl fmt::Display) -> Self {
        let at = std::panic::Location::caller();
        tracing::error!(%cause, %at, "internal error");
        Self::new(ErrorCode::Internal)
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AppError {}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    #[track_caller]
    fn from(e: sqlx::Error) -> Self {
        // Text the database cannot hold (PostgreSQL refuses NUL characters,
        // SQLSTATE 22021) is the caller's mistake, not a fault of ours.
        if let sqlx::Error::Database(d) = &e {
            if d.code().as_deref() == Some("22021") {
                tracing::debug!(error = %e, "input the database cannot hold");
                return AppError::new(ErrorCode::InvalidInput);
            }
        }
        AppError::internal(e)
    }
}

pub type AppResult<T> = Result<T, AppError>;
