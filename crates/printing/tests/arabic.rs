//! Arabic raster text: shaping (joined letters), right-to-left order and mixed runs.

use printing::decode::decode;
use printing::{Align, FontWeight, MonoBitmap, RasterTextOptions, measure_text, raster_text};

/// Column ranges `[start, end)` that hold ink, separated by at least `gap` blank columns.
fn ink_clusters(image: &MonoBitmap, gap: u32) -> Vec<(u32, u32)> {
    let inked: Vec<bool> = (0..image.width())
        .map(|x| (0..image.height()).any(|y| image.get(x, y)))
        .collect();
    let mut clusters: Vec<(u32, u32)> = Vec::new();
    for (x, ink) in (0u32..).zip(inked) {
        if !ink {
            continue;
        }
        match clusters.last_mut() {
            Some((_, end)) if x - *end < gap => *end = x + 1,
            _ => clusters.push((x, x + 1)),
        }
    }
    clusters
}

fn ink_width(image: &MonoBitmap) -> u32 {
    let clusters = ink_clusters(image, u32::MAX);
    clusters.first().map_or(0, |(start, end)| end - start)
}

#[test]
fn letters_are_joined_by_the_shaper() {
    // Joined (initial, medial, final) forms are narrower than the isolated letters.
    let word = "بيت";
    let joined = measure_text(word, 40, FontWeight::Regular);
    let isolated: u32 = ["ب", "ي", "ت"]
        .iter()
        .map(|l| measure_text(l, 40, FontWeight::Regular))
        .sum();
    assert!(
        joined + 10 < isolated,
        "joined {joined}, isolated {isolated}"
    );
    // A zero-width non-joiner breaks the joins, so the word gets wider again.
    let unjoined = measure_text("ب\u{200c}ي\u{200c}ت", 40, FontWeight::Regular);
    assert!(unjoined > joined + 10, "{unjoined} vs {joined}");
    // Joined letters make one connected stroke: one cluster of ink columns.
    let image = raster_text("سلسل", 40, 576, Align::Center);
    assert_eq!(
        ink_clusters(&image, 2).len(),
        1,
        "{:?}",
        ink_clusters(&image, 2)
    );
}

#[test]
fn arabic_runs_right_to_left_with_latin_digits_in_place() {
    let digit = ink_width(&raster_text("1", 40, 576, Align::Left));
    assert!(digit > 3);
    // "The hall 1": in a right-to-left paragraph the number comes last, so it is leftmost.
    // Words are separated by a space (about 20 dots at this size); letters that do not join
    // (alef) leave smaller gaps.
    let image = raster_text("القاعة 1", 40, 576, Align::Center);
    let clusters = ink_clusters(&image, 12);
    assert_eq!(clusters.len(), 2, "{clusters:?}");
    let (left, right) = (clusters[0], clusters[1]);
    assert!(
        (left.1 - left.0).abs_diff(digit) <= 1,
        "{clusters:?}, digit {digit}"
    );
    assert!(right.1 - right.0 > 3 * digit);
    // "1 The hall": the number comes first, so it is rightmost.
    let image = raster_text("1 القاعة", 40, 576, Align::Center);
    let clusters = ink_clusters(&image, 12);
    assert_eq!(clusters.len(), 2, "{clusters:?}");
    assert!(
        (clusters[1].1 - clusters[1].0).abs_diff(digit) <= 1,
        "{clusters:?}"
    );
}

#[test]
fn latin_words_keep_their_order_inside_arabic() {
    // "IMAX" inside an Arabic sentence stays readable left to right, as one block.
    let imax = ink_width(&raster_text("IMAX", 40, 576, Align::Left));
    let image = raster_text("قاعة IMAX الكبرى", 40, 576, Align::Center);
    let clusters = ink_clusters(&image, 12);
    assert_eq!(clusters.len(), 3, "{clusters:?}");
    // Right to left: قاعة (right), IMAX (middle), الكبرى (left).
    let middle = clusters[1];
    assert!(
        (middle.1 - middle.0).abs_diff(imax) <= 2,
        "{clusters:?} vs {imax}"
    );
}

#[test]
fn alignment_places_the_line() {
    let options = |align| RasterTextOptions {
        size_dots: 32,
        max_width_dots: 576,
        align,
        weight: FontWeight::Bold,
    };
    let left = printing::raster_text_with("سينما", &options(Align::Left));
    let right = printing::raster_text_with("سينما", &options(Align::Right));
    let center = printing::raster_text_with("سينما", &options(Align::Center));
    let span = |image: &MonoBitmap| ink_clusters(image, u32::MAX)[0];
    assert!(span(&left).0 <= 2);
    assert!(span(&right).1 >= 574);
    let (start, end) = span(&center);
    assert!(
        (start as i64 - (576 - end) as i64).abs() <= 3,
        "{start} {end}"
    );
}

#[test]
fn raster_text_survives_encoding_and_decoding() {
    let image = raster_text("فندق بودابست الكبير", 40, 384, Align::Center);
    let decoded = decode(&image.to_escpos()).unwrap();
    assert_eq!(decoded.rasters, 1);
    let printing::decode::Block::Raster(raster) = &decoded.blocks[0] else {
        panic!("{:?}", decoded.blocks);
    };
    assert_eq!(raster.width_bytes, 48);
    assert_eq!(raster.height, image.height() as usize);
    assert_eq!(raster.bits, image.bits());
}

#[test]
fn narrow_paper_wraps_long_titles() {
    let title = "فندق بودابست الكبير - عرض خاص";
    let width = measure_text(title, 40, FontWeight::Regular);
    assert!((400..560).contains(&width), "{width}");
    let wide = raster_text(title, 40, 576, Align::Center);
    let narrow = raster_text(title, 40, 384, Align::Center);
    assert_eq!(narrow.width(), 384);
    assert!(
        narrow.height() > wide.height() + 30,
        "{} vs {}",
        narrow.height(),
        wide.height()
    );
}
