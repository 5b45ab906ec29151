//! Distribution data: links (`links`) and purchases (`purchase`).

pub mod links;
pub mod purchase;
