//! Apps: the Workbench's My Apps and, later, the app editor.

pub mod pages;
