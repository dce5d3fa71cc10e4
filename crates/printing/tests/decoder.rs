//! The decoder on hand-written ESC/POS streams.

use printing::decode::{Align, Block, DecodeError, QrEcLevel, decode};

const ESC: u8 = 0x1b;
const GS: u8 = 0x1d;
const LF: u8 = 0x0a;

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

#[test]
fn text_styles_and_alignment() {
    let bytes = cat(&[
        &[ESC, b'@'],
        &[ESC, b'a', 1, ESC, b'E', 1, GS, b'!', 0x11],
        b"BIG",
        &[LF],
        &[ESC, b'a', b'2', ESC, b'E', 0, GS, b'!', 0x00, ESC, b'-', 1],
        b"right",
        &[ESC, b'd', 3],
        &[ESC, b'!', 0x38],
        b"mode",
        &[LF],
    ]);
    let d = decode(&bytes).unwrap();
    assert_eq!(d.text(), "BIG\nright\n\n\nmode");
    let big = &d.lines[0];
    assert_eq!(
        (big.align, big.bold, big.width_mul, big.height_mul),
        (Align::Center, true, 2, 2)
    );
    let right = &d.lines[1];
    assert_eq!(
        (right.align, right.bold, right.underline),
        (Align::Right, false, true)
    );
    let mode = &d.lines[4];
    assert_eq!((mode.bold, mode.width_mul, mode.height_mul), (true, 2, 2));
}

#[test]
fn init_resets_modes_and_clears_the_buffer() {
    let bytes = cat(&[&[ESC, b'E', 1], b"dropped", &[ESC, b'@'], b"kept", &[LF]]);
    let d = decode(&bytes).unwrap();
    assert_eq!(d.text(), "kept");
    assert!(!d.lines[0].bold);
}

#[test]
fn non_ascii_bytes_show_as_question_marks_and_tabs_expand() {
    let d = decode(&[b'a', 0x82, 0xff, b'\t', b'b', b'\r', LF]).unwrap();
    assert_eq!(d.text(), "a??     b");
}

#[test]
fn unterminated_text_is_reported() {
    assert_eq!(decode(b"no newline").unwrap().text(), "no newline");
}

#[test]
fn all_cut_forms_count() {
    let bytes = cat(&[
        &[GS, b'V', 0],
        &[GS, b'V', b'1'],
        &[GS, b'V', 65, 3],
        &[GS, b'V', 66, 0],
        &[GS, b'V', 97, 1],
        &[GS, b'V', 104, 2],
        &[ESC, b'i'],
        &[ESC, b'm'],
    ]);
    let d = decode(&bytes).unwrap();
    assert_eq!(d.cuts, 8);
    assert!(d.blocks.iter().all(|b| matches!(b, Block::Cut)));
    assert!(matches!(
        decode(&[GS, b'V', 7]),
        Err(DecodeError::InvalidParameter { offset: 0, .. })
    ));
}

#[test]
fn drawer_kicks_count() {
    let d = decode(&[
        ESC, b'p', 0, 25, 250, ESC, b'p', 1, 50, 50, 0x10, 0x14, 1, 0, 1,
    ])
    .unwrap();
    assert_eq!(d.drawer_kicks, 3);
}

#[test]
fn qr_payload_is_collected_on_print() {
    let data = b"https://example.test/t/42";
    let len = data.len() + 3;
    let bytes = cat(&[
        &[ESC, b'a', 1],
        &[GS, b'(', b'k', 4, 0, 49, 65, 50, 0],
        &[GS, b'(', b'k', 3, 0, 49, 67, 7],
        &[GS, b'(', b'k', 3, 0, 49, 69, 51],
        &[GS, b'(', b'k', len as u8, 0, 49, 80, 48],
        data,
        &[GS, b'(', b'k', 3, 0, 49, 81, 48],
        // Printing again prints the stored symbol again.
        &[GS, b'(', b'k', 3, 0, 49, 81, 48],
    ]);
    let d = decode(&bytes).unwrap();
    assert_eq!(d.qr_codes, vec!["https://example.test/t/42"; 2]);
    let Some(Block::Qr(symbol)) = d.blocks.first() else {
        panic!("{:?}", d.blocks);
    };
    assert_eq!(symbol.module_dots, 7);
    assert_eq!(symbol.ec_level, QrEcLevel::H);
    assert_eq!(symbol.align, Align::Center);
}

#[test]
fn qr_print_without_data_prints_nothing() {
    let d = decode(&[GS, b'(', b'k', 3, 0, 49, 81, 48]).unwrap();
    assert!(d.qr_codes.is_empty());
}

#[test]
fn other_2d_codes_are_skipped() {
    // PDF417 store + print.
    let d = decode(&[
        GS, b'(', b'k', 5, 0, 48, 80, 48, b'h', b'i', GS, b'(', b'k', 3, 0, 48, 81, 48,
    ])
    .unwrap();
    assert!(d.qr_codes.is_empty());
    assert!(d.blocks.is_empty());
}

#[test]
fn raster_images_are_counted_and_kept() {
    let bytes = cat(&[
        b"before",
        &[GS, b'v', b'0', 0, 2, 0, 3, 0],
        &[0xff, 0x00, 0x0f, 0xf0, 0xaa, 0x55],
        &[GS, b'v', b'0', 3, 1, 0, 1, 0, 0x80],
    ]);
    let d = decode(&bytes).unwrap();
    assert_eq!(d.rasters, 2);
    assert_eq!(d.text(), "before");
    let rasters: Vec<_> = d
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Raster(r) => Some(r),
            _ => None,
        })
        .collect();
    assert_eq!((rasters[0].width_bytes, rasters[0].height), (2, 3));
    assert_eq!(rasters[0].bits, vec![0xff, 0x00, 0x0f, 0xf0, 0xaa, 0x55]);
    assert_eq!((rasters[1].scale_x, rasters[1].scale_y), (2, 2));
    // Text in the buffer is printed before the image.
    assert!(matches!(d.blocks[0], Block::Text { .. }));
}

#[test]
fn bit_images_are_rasters() {
    let d = decode(&[ESC, b'3', 24, ESC, b'*', 33, 2, 0, 0x80, 0, 0, 0, 0, 1, LF]).unwrap();
    assert_eq!(d.rasters, 1);
    assert!(
        d.lines.is_empty(),
        "the LF after an image is not a blank text line"
    );
}

#[test]
fn ignored_commands_are_skipped_with_their_parameters() {
    let bytes = cat(&[
        &[
            ESC, b't', 16, ESC, b'R', 0, ESC, b'M', 0, ESC, b'G', 1, ESC, b'2', ESC, b'3', 40,
        ],
        &[
            GS, b'b', 1, GS, b'L', 0, 0, GS, b'P', 0, 0, ESC, b'c', b'0', 1, GS, b'h', 80,
        ],
        &[GS, b'k', 4, b'A', b'1', 0, GS, b'k', 73, 2, b'x', b'y'],
        &[
            ESC, b'D', 8, 16, 0, 0x10, 0x04, 1, GS, b'8', b'L', 2, 0, 0, 0, 48, 50,
        ],
        &[
            GS, b'(', b'L', 2, 0, 48, 50, ESC, b'J', 20, 0x1c, b'.', ESC, b'$', 0, 0,
        ],
        b"ok",
        &[LF],
    ]);
    let d = decode(&bytes).unwrap();
    assert_eq!(d.text(), "ok");
    assert!(d.blocks.contains(&Block::Feed { dots: 20 }));
}

#[test]
fn unknown_and_truncated_commands_are_errors() {
    assert_eq!(
        decode(b"ab\x1b\xff"),
        Err(DecodeError::UnknownCommand {
            offset: 2,
            prefix: "ESC",
            byte: 0xff
        })
    );
    let truncated = decode(&[GS, b'v', b'0', 0, 0xff, 0xff, 0xff, 0xff, 1, 2, 3]).unwrap_err();
    assert_eq!(truncated.code(), "decode.truncated");
    assert_eq!(decode(&[ESC]).unwrap_err().code(), "decode.truncated");
    assert_eq!(
        decode(&[GS, b'(', b'k', 0xff, 0xff]).unwrap_err().code(),
        "decode.truncated"
    );
}
