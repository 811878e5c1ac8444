<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko" sourcelanguage="en">
  <context>
    <name>AccountTexts</name>
    <message>
      <location filename="station_app/gui/account_texts.py" line="38" />
      <source>Administrator</source>
      <translation>관리자</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="77" />
      <source>An account named {0} exists already.</source>
      <translation>{0} 계정이 이미 있습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="47" />
      <source>At least {0} characters</source>
      <translation>{0}자 이상</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="50" />
      <source>At least {0} different characters</source>
      <translation>서로 다른 문자 {0}개 이상</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="48" />
      <source>At most {0} characters</source>
      <translation>{0}자 이하</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="94" />
      <source>Display name: 1 to 128 characters, no control characters.</source>
      <translation>표시 이름: 1~128자, 제어 문자는 사용할 수 없습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="35" />
      <source>Inspector</source>
      <translation>검사관</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="53" />
      <source>Must differ from the current password</source>
      <translation>현재 비밀번호와 달라야 합니다</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="49" />
      <source>Must not contain the user name</source>
      <translation>사용자 이름을 포함할 수 없습니다</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="75" />
      <source>Password refused: {0}</source>
      <translation>비밀번호가 거부되었습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="36" />
      <source>Supervisor</source>
      <translation>감독자</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="37" />
      <source>Technician</source>
      <translation>기술자</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="85" />
      <source>The administrator exists already. Sign in.</source>
      <translation>관리자 계정이 이미 있습니다. 로그인하십시오.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="70" />
      <source>The password is wrong.</source>
      <translation>비밀번호가 틀렸습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="79" />
      <source>There is no account named {0}.</source>
      <translation>{0} 계정이 없습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="68" />
      <source>This account is disabled. Ask an administrator.</source>
      <translation>비활성화된 계정입니다. 관리자에게 문의하십시오.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="87" />
      <source>This is managed by central, not at the station.</source>
      <translation>이 항목은 검사대가 아니라 중앙 서버에서 관리합니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="63" />
      <source>Too many failed attempts: this account is locked until {0}, or until an administrator unlocks it.</source>
      <translation>로그인 실패 횟수 초과: 이 계정은 {0}까지 또는 관리자가 잠금을 해제할 때까지 잠깁니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="61" />
      <source>Unknown user name or wrong password.</source>
      <translation>사용자 이름 또는 비밀번호가 올바르지 않습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="90" />
      <source>User name: 2 to 32 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.</source>
      <translation>사용자 이름: 영문 소문자, 숫자, '.', '_', '-'로 2~32자이며 영문자나 숫자로 시작해야 합니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="83" />
      <source>You cannot do this to your own account. Ask another administrator.</source>
      <translation>본인 계정에는 이 작업을 할 수 없습니다. 다른 관리자에게 요청하십시오.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="72" />
      <source>Your role may not do this.</source>
      <translation>현재 역할로는 이 작업을 할 수 없습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="81" />
      <source>{0} is the last enabled administrator and must stay one.</source>
      <translation>{0}은(는) 마지막 활성 관리자이므로 관리자 역할을 유지해야 합니다.</translation>
    </message>
  </context>
  <context>
    <name>AccountsWorkspace</name>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="160" />
      <source>Change role</source>
      <translation>역할 변경</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="152" />
      <source>Disable</source>
      <translation>비활성화</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="137" />
      <source>Display name</source>
      <translation>표시 이름</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="153" />
      <source>Enable</source>
      <translation>활성화</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="140" />
      <source>Last sign-in</source>
      <translation>마지막 로그인</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="151" />
      <source>New account…</source>
      <translation>새 계정…</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="155" />
      <source>Reset password…</source>
      <translation>비밀번호 재설정…</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="138" />
      <source>Role</source>
      <translation>역할</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="170" />
      <source>Role:</source>
      <translation>역할:</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="139" />
      <source>State</source>
      <translation>상태</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="154" />
      <source>Unlock</source>
      <translation>잠금 해제</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="136" />
      <source>User name</source>
      <translation>사용자 이름</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="236" />
      <source>active</source>
      <translation>활성</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="235" />
      <source>active (must change password)</source>
      <translation>활성 (비밀번호 변경 필요)</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="231" />
      <source>disabled</source>
      <translation>비활성</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="233" />
      <source>locked until {0}</source>
      <translation>{0}까지 잠김</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="219" />
      <source>never</source>
      <translation>없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="305" />
      <source>{0} created; the password must be changed at the first sign-in</source>
      <translation>{0} 계정을 만들었습니다. 첫 로그인 때 비밀번호를 변경해야 합니다</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="277" />
      <source>{0}: done</source>
      <translation>{0}: 완료</translation>
    </message>
  </context>
  <context>
    <name>App</name>
    <message>
      <location filename="station_app/gui/app.py" line="118" />
      <source>Station did not start: {0}</source>
      <translation>검사대가 시작되지 않았습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/app.py" line="103" />
      <source>Station not started</source>
      <translation>검사대 시작 실패</translation>
    </message>
    <message>
      <location filename="station_app/gui/app.py" line="104" />
      <source>The station could not be started:
{0}</source>
      <translation>검사대를 시작할 수 없습니다:
{0}</translation>
    </message>
  </context>
  <context>
    <name>CertificatePanel</name>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="252" />
      <source>(no number)</source>
      <translation>(번호 없음)</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="146" />
      <source>COULD NOT VERIFY NOW</source>
      <translation>지금 검증 불가</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="204" />
      <source>Certificate image</source>
      <translation>원산지증명서 이미지</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="71" />
      <source>Certificates of origin</source>
      <translation>원산지증명서</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="219" />
      <source>Check not started: {0}</source>
      <translation>검증을 시작하지 못했습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="123" />
      <source>Cross-checks</source>
      <translation>대조 결과</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="290" />
      <source>Exporter: {0} ({1})</source>
      <translation>수출자: {0} ({1})</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="303" />
      <source>HS {0}  {1:g}{2}  {3} ({4})</source>
      <translation>HS {0}  {1:g}{2}  {3} ({4})</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="143" />
      <source>INVALID</source>
      <translation>무효</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="206" />
      <source>Images (*.png *.jpg *.jpeg *.tif *.tiff *.bmp)</source>
      <translation>이미지 (*.png *.jpg *.jpeg *.tif *.tiff *.bmp)</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="293" />
      <source>Importer: {0} ({1})</source>
      <translation>수입자: {0} ({1})</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="287" />
      <source>No certificate details</source>
      <translation>증명서 세부 정보 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="183" />
      <source>No certificate presented</source>
      <translation>제출된 원산지증명서 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="317" />
      <source>No mismatch with the manifest</source>
      <translation>적하목록과 불일치 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="175" />
      <source>No parcel</source>
      <translation>소포 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="236" />
      <source>Not checked: {0}</source>
      <translation>검증하지 못했습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="296" />
      <source>Origin: {0} · FTA {1} · valid to {2:%Y-%m-%d}</source>
      <translation>원산지: {0} · FTA {1} · 유효기간 {2:%Y-%m-%d}까지</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="144" />
      <source>REVOKED</source>
      <translation>취소됨</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="89" />
      <source>Read image…</source>
      <translation>이미지 읽기…</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="85" />
      <source>Scan a certificate barcode…</source>
      <translation>원산지증명서 바코드를 스캔하십시오…</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="181" />
      <source>Stored checks unreadable: {0}</source>
      <translation>저장된 검증 결과를 읽을 수 없습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="145" />
      <source>UNVERIFIED</source>
      <translation>미검증</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="253" />
      <source>URL</source>
      <translation>URL</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="142" />
      <source>VALID</source>
      <translation>유효</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="222" />
      <location filename="station_app/gui/certificate_panel.py" line="246" />
      <source>Verifying…</source>
      <translation>검증 중…</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="154" />
      <source>cached</source>
      <translation>캐시</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="152" />
      <source>offline</source>
      <translation>오프라인</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="153" />
      <source>online</source>
      <translation>온라인</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="253" />
      <source>signed</source>
      <translation>전자서명</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="254" />
      <source>{0} · {1} ({2}, {3})</source>
      <translation>{0} · {1} ({2}, {3})</translation>
    </message>
  </context>
  <context>
    <name>DecisionPanel</name>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="54" />
      <source>AMBER — look closer</source>
      <translation>AMBER — 정밀 판독 필요</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="107" />
      <source>Alarms and detections</source>
      <translation>경보 및 탐지</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="59" />
      <source>Clear</source>
      <translation>통과</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="116" />
      <source>Click a row to show it in the image. Next / previous item: N / Shift+N or P</source>
      <translation>행을 클릭하면 영상에서 해당 위치를 보여 줍니다. 다음 / 이전 항목: N / Shift+N 또는 P</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="254" />
      <source>Decided: {0}</source>
      <translation>판정: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="53" />
      <source>GREEN — release</source>
      <translation>GREEN — 통과 가능</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="61" />
      <source>Hold for supervisor</source>
      <translation>감독자 보류</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="177" />
      <source>NO PARCEL</source>
      <translation>소포 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="203" />
      <source>No reasons given</source>
      <translation>사유 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="223" />
      <source>None</source>
      <translation>없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="60" />
      <source>Open for inspection</source>
      <translation>개장 검사</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="188" />
      <source>Parcel {0}
Tracking: {1}
Size: {2:.0f} × {3:.0f} mm</source>
      <translation>소포 {0}
운송장 번호: {1}
크기: {2:.0f} × {3:.0f} mm</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="55" />
      <source>RED — open the parcel</source>
      <translation>RED — 개장 검사 필요</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="176" />
      <source>Waiting for the next parcel…</source>
      <translation>다음 소포를 기다리는 중…</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="201" />
      <source>central risk score {0:.2f}</source>
      <translation>중앙 위험도 점수 {0:.2f}</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="190" />
      <source>not read</source>
      <translation>판독 안 됨</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="137" />
      <source>{0} (key: {1})</source>
      <translation>{0} (단축키: {1})</translation>
    </message>
  </context>
  <context>
    <name>DisplayToolBar</name>
    <message>
      <location filename="station_app/gui/toolbar.py" line="53" />
      <source>Adaptive local contrast</source>
      <translation>적응형 국부 대비</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="122" />
      <source>Back to colour, default density (R, Home)</source>
      <translation>컬러, 기본 밀도로 되돌리기 (R, Home)</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="34" />
      <source>Black-and-white attenuation</source>
      <translation>흑백 감쇠 영상</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="31" />
      <source>Colour</source>
      <translation>컬러</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="97" />
      <source>Density</source>
      <translation>밀도</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="110" />
      <source>Density down</source>
      <translation>밀도 낮추기</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="113" />
      <source>Density up</source>
      <translation>밀도 높이기</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="73" />
      <source>Display</source>
      <translation>영상 표시</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="52" />
      <source>Edge enhancement</source>
      <translation>윤곽 강조</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="52" />
      <source>Edges</source>
      <translation>윤곽</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="34" />
      <source>Grey</source>
      <translation>흑백</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="42" />
      <source>Hide inorganic and metal, show organic material</source>
      <translation>무기물과 금속을 숨기고 유기물만 표시</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="38" />
      <source>Hide organic material, show inorganic and metal</source>
      <translation>유기물을 숨기고 무기물과 금속을 표시</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="45" />
      <source>High pen.</source>
      <translation>고투과</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="46" />
      <source>High penetration: see into dense regions</source>
      <translation>고투과: 고밀도 영역 내부 확인</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="41" />
      <source>Inorganic strip</source>
      <translation>무기물 제거</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="35" />
      <source>Inverse</source>
      <translation>반전</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="35" />
      <source>Inverted grey: dense items light</source>
      <translation>흑백 반전: 고밀도 물체를 밝게 표시</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="53" />
      <source>Local contrast</source>
      <translation>국부 대비</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="49" />
      <source>Low pen.</source>
      <translation>저투과</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="50" />
      <source>Low penetration: bring out thin, light material</source>
      <translation>저투과: 얇고 가벼운 물질을 두드러지게 표시</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="32" />
      <source>Material colours: orange organic, green inorganic, blue metal</source>
      <translation>물질별 색상: 주황 유기물, 녹색 무기물, 파랑 금속</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="37" />
      <source>Organic strip</source>
      <translation>유기물 제거</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="119" />
      <source>Reset</source>
      <translation>초기화</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="55" />
      <source>Var. density</source>
      <translation>가변 밀도</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="105" />
      <source>Variable density window ([ and ])</source>
      <translation>가변 밀도 구간 ([ 및 ])</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="56" />
      <source>Variable density: choose the attenuation window with the slider</source>
      <translation>가변 밀도: 슬라이더로 감쇠 구간 선택</translation>
    </message>
  </context>
  <context>
    <name>FindingTexts</name>
    <message>
      <location filename="station_app/gui/finding_texts.py" line="24" />
      <source>dense object</source>
      <translation>고밀도 물체</translation>
    </message>
    <message>
      <location filename="station_app/gui/finding_texts.py" line="26" />
      <source>lithium battery</source>
      <translation>리튬 배터리</translation>
    </message>
    <message>
      <location filename="station_app/gui/finding_texts.py" line="25" />
      <source>organic mass</source>
      <translation>유기물 덩어리</translation>
    </message>
  </context>
  <context>
    <name>FirstRunDialog</name>
    <message>
      <location filename="station_app/gui/sign_in.py" line="292" />
      <source>Create administrator</source>
      <translation>관리자 만들기</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="285" />
      <source>Display name</source>
      <translation>표시 이름</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="267" />
      <source>First start — station {0}</source>
      <translation>최초 시작 — 검사대 {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="271" />
      <source>No account exists yet. Create the administrator, who then creates the accounts of inspectors, supervisors and technicians.</source>
      <translation>아직 계정이 없습니다. 관리자 계정을 만드십시오. 관리자가 검사관, 감독자, 기술자 계정을 만듭니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="295" />
      <source>Quit</source>
      <translation>종료</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="284" />
      <source>User name</source>
      <translation>사용자 이름</translation>
    </message>
  </context>
  <context>
    <name>ImageCanvas</name>
    <message>
      <location filename="station_app/gui/canvas.py" line="373" />
      <source>Alarm and detection overlays on/off (O). Next / previous item: N / Shift+N or P</source>
      <translation>경보 및 탐지 오버레이 켜기/끄기 (O). 다음 / 이전 항목: N / Shift+N 또는 P</translation>
    </message>
    <message>
      <location filename="station_app/gui/canvas.py" line="358" />
      <source>Fit</source>
      <translation>화면 맞춤</translation>
    </message>
    <message>
      <location filename="station_app/gui/canvas.py" line="365" />
      <source>Next item</source>
      <translation>다음 항목</translation>
    </message>
    <message>
      <location filename="station_app/gui/canvas.py" line="359" />
      <source>Overlays</source>
      <translation>오버레이</translation>
    </message>
    <message>
      <location filename="station_app/gui/canvas.py" line="368" />
      <source>Previous item</source>
      <translation>이전 항목</translation>
    </message>
    <message>
      <location filename="station_app/gui/canvas.py" line="651" />
      <source>Waiting for the next parcel…</source>
      <translation>다음 소포를 기다리는 중…</translation>
    </message>
    <message>
      <location filename="station_app/gui/canvas.py" line="353" />
      <source>Zoom in</source>
      <translation>확대</translation>
    </message>
    <message>
      <location filename="station_app/gui/canvas.py" line="356" />
      <source>Zoom out</source>
      <translation>축소</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <location filename="station_app/gui/main_window.py" line="285" />
      <source>Decision not saved for {0}: {1}</source>
      <translation>{0}의 판정이 저장되지 않았습니다: {1}</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="163" />
      <source>Inspection station {0} — {1}</source>
      <translation>검사대 {0} — {1}</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="257" />
      <source>Manifest for {0} could not be read: {1}</source>
      <translation>{0}의 적하목록을 읽을 수 없습니다: {1}</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="358" />
      <source>Parcel {0} could not be processed (raw scan kept): {1}</source>
      <translation>소포 {0}을(를) 처리하지 못했습니다 (원본 스캔 보관됨): {1}</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="129" />
      <source>Pipeline stopped</source>
      <translation>영상 처리가 중지되었습니다</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="268" />
      <source>Sign in to decide</source>
      <translation>판정하려면 로그인하십시오</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="304" />
      <source>TIP response not saved: {0}</source>
      <translation>TIP 응답이 저장되지 않았습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="309" />
      <source>TIP: {0}</source>
      <translation>TIP: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="319" />
      <source>This image held a projected {0}. You cleared it: a miss.

The real parcel is shown next: decide on it as usual.</source>
      <translation>이 영상에는 투영된 {0}이(가) 있었습니다. 통과로 판정하여 놓쳤습니다(미탐).

이어서 실제 소포가 표시됩니다. 평소대로 판정하십시오.</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="314" />
      <source>This image held a projected {0}. You stopped the parcel: a hit.

The real parcel is shown next: decide on it as usual.</source>
      <translation>이 영상에는 투영된 {0}이(가) 있었습니다. 소포를 멈춰 적중했습니다.

이어서 실제 소포가 표시됩니다. 평소대로 판정하십시오.</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="312" />
      <source>Threat image projection</source>
      <translation>위협 이미지 투영 (TIP)</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="161" />
      <source>nobody</source>
      <translation>로그인 사용자 없음</translation>
    </message>
  </context>
  <context>
    <name>ManifestPanel</name>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="156" />
      <source>AMBER</source>
      <translation>AMBER</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="252" />
      <source>Addressee: {0} ({1})</source>
      <translation>수취인: {0} ({1})</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="205" />
      <source>Central risk score: {0:.2f}</source>
      <translation>중앙 위험도 점수: {0:.2f}</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="165" />
      <source>Declared description</source>
      <translation>신고 품명</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="166" />
      <source>Declared quantity</source>
      <translation>신고 수량</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="255" />
      <source>Declared total: {0} {1}</source>
      <translation>신고 총액: {0} {1}</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="170" />
      <source>Declared value of the line</source>
      <translation>해당 품목의 신고 가격</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="168" />
      <source>Declared value of the line, in {0}</source>
      <translation>해당 품목의 신고 가격 ({0})</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="149" />
      <source>Declared, not seen</source>
      <translation>신고됨, 영상에서 미확인</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="162" />
      <source>Description</source>
      <translation>품명</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="112" />
      <source>Discrepancies</source>
      <translation>불일치</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="130" />
      <source>Express</source>
      <translation>특송</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="162" />
      <source>HS</source>
      <translation>HS</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="167" />
      <source>HS tariff code</source>
      <translation>HS 부호</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="61" />
      <source>Manifest</source>
      <translation>적하목록</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="319" />
      <source>No discrepancies found</source>
      <translation>불일치 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="213" />
      <source>No manifest data for this parcel
{0}</source>
      <translation>이 소포의 적하목록 자료가 없습니다
{0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="209" />
      <source>No parcel</source>
      <translation>소포 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="129" />
      <source>Postal (CN22/CN23)</source>
      <translation>우편 (CN22/CN23)</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="162" />
      <source>Qty</source>
      <translation>수량</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="148" />
      <source>Quantity exceeded</source>
      <translation>수량 초과</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="156" />
      <source>RED</source>
      <translation>RED</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="251" />
      <source>Sender: {0} ({1})</source>
      <translation>발송인: {0} ({1})</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="147" />
      <source>Undeclared item</source>
      <translation>미신고 물품</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="151" />
      <source>Undeclared lithium battery</source>
      <translation>미신고 리튬 배터리</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="162" />
      <source>Value</source>
      <translation>가격</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="150" />
      <source>Value implausible</source>
      <translation>가격 비정상</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="138" />
      <source>commercial sample</source>
      <translation>상업용 견본</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="137" />
      <source>documents</source>
      <translation>서류</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="136" />
      <source>gift</source>
      <translation>선물</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="141" />
      <source>other</source>
      <translation>기타</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="139" />
      <source>returned goods</source>
      <translation>반송 물품</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="140" />
      <source>sale of goods</source>
      <translation>상품 판매</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="211" />
      <source>tracking id not read</source>
      <translation>운송장 번호 판독 안 됨</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="287" />
      <source>{0}
Origin: {1}</source>
      <translation>{0}
원산지: {1}</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="312" />
      <source>{0} (line {1})</source>
      <translation>{0} ({1}번 품목)</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="248" />
      <source>{0} · {1}</source>
      <translation>{0} · {1}</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="307" />
      <source>{0}: {1}</source>
      <translation>{0}: {1}</translation>
    </message>
  </context>
  <context>
    <name>NewAccountDialog</name>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="66" />
      <source>Display name</source>
      <translation>표시 이름</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="54" />
      <source>New account</source>
      <translation>새 계정</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="67" />
      <source>Role</source>
      <translation>역할</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="65" />
      <source>User name</source>
      <translation>사용자 이름</translation>
    </message>
  </context>
  <context>
    <name>NewPasswordFields</name>
    <message>
      <location filename="station_app/gui/sign_in.py" line="78" />
      <source>New password</source>
      <translation>새 비밀번호</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="107" />
      <source>Password accepted</source>
      <translation>사용할 수 있는 비밀번호입니다</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="79" />
      <source>Repeat it</source>
      <translation>비밀번호 확인</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="105" />
      <source>The two passwords differ</source>
      <translation>두 비밀번호가 다릅니다</translation>
    </message>
  </context>
  <context>
    <name>QueueStrip</name>
    <message>
      <location filename="station_app/gui/queue_strip.py" line="42" />
      <source>Cleared</source>
      <translation>통과</translation>
    </message>
    <message>
      <location filename="station_app/gui/queue_strip.py" line="44" />
      <source>Held</source>
      <translation>보류</translation>
    </message>
    <message>
      <location filename="station_app/gui/queue_strip.py" line="43" />
      <source>Open</source>
      <translation>개장 검사</translation>
    </message>
    <message>
      <location filename="station_app/gui/queue_strip.py" line="132" />
      <source>{0}
Triage: {1}</source>
      <translation>{0}
위험 분류: {1}</translation>
    </message>
  </context>
  <context>
    <name>ResetPasswordDialog</name>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="102" />
      <source>Reset the password of {0}</source>
      <translation>{0}의 비밀번호 재설정</translation>
    </message>
  </context>
  <context>
    <name>ScreenLock</name>
    <message>
      <location filename="station_app/gui/screen_lock.py" line="132" />
      <source>Locked — signed in as {0} ({1})</source>
      <translation>잠김 — {0} ({1}) 로그인 중</translation>
    </message>
    <message>
      <location filename="station_app/gui/screen_lock.py" line="96" />
      <location filename="station_app/gui/screen_lock.py" line="128" />
      <source>Password</source>
      <translation>비밀번호</translation>
    </message>
    <message>
      <location filename="station_app/gui/screen_lock.py" line="103" />
      <location filename="station_app/gui/screen_lock.py" line="130" />
      <source>Sign in as another user</source>
      <translation>다른 사용자로 로그인</translation>
    </message>
    <message>
      <location filename="station_app/gui/screen_lock.py" line="100" />
      <location filename="station_app/gui/screen_lock.py" line="129" />
      <source>Unlock</source>
      <translation>잠금 해제</translation>
    </message>
  </context>
  <context>
    <name>Shell</name>
    <message>
      <location filename="station_app/gui/shell.py" line="217" />
      <source>Accounts</source>
      <translation>계정</translation>
    </message>
    <message>
      <location filename="station_app/gui/shell.py" line="200" />
      <source>Inspection</source>
      <translation>검사</translation>
    </message>
    <message>
      <location filename="station_app/gui/shell.py" line="103" />
      <location filename="station_app/gui/shell.py" line="174" />
      <source>Lock screen</source>
      <translation>화면 잠금</translation>
    </message>
    <message>
      <location filename="station_app/gui/shell.py" line="206" />
      <source>Review</source>
      <translation>검토</translation>
    </message>
    <message>
      <location filename="station_app/gui/shell.py" line="97" />
      <location filename="station_app/gui/shell.py" line="173" />
      <source>Session</source>
      <translation>세션</translation>
    </message>
    <message>
      <location filename="station_app/gui/shell.py" line="106" />
      <location filename="station_app/gui/shell.py" line="175" />
      <source>Sign out</source>
      <translation>로그아웃</translation>
    </message>
    <message>
      <location filename="station_app/gui/shell.py" line="213" />
      <source>Station status</source>
      <translation>검사대 상태</translation>
    </message>
    <message>
      <location filename="station_app/gui/shell.py" line="182" />
      <source>Station {0} — {1}</source>
      <translation>검사대 {0} — {1}</translation>
    </message>
    <message>
      <location filename="station_app/gui/shell.py" line="208" />
      <source>Technician</source>
      <translation>정비</translation>
    </message>
    <message>
      <location filename="station_app/gui/shell.py" line="177" />
      <source>{0} ({1}, {2})</source>
      <translation>{0} ({1}, {2})</translation>
    </message>
  </context>
  <context>
    <name>SignInDialog</name>
    <message>
      <location filename="station_app/gui/sign_in.py" line="181" />
      <source>Change password and continue</source>
      <translation>비밀번호 변경 후 계속</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="154" />
      <source>Language</source>
      <translation>언어</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="153" />
      <source>Password</source>
      <translation>비밀번호</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="160" />
      <source>Quit</source>
      <translation>종료</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="157" />
      <source>Sign in</source>
      <translation>로그인</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="130" />
      <source>Sign in — station {0}</source>
      <translation>로그인 — 검사대 {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="152" />
      <source>User name</source>
      <translation>사용자 이름</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="172" />
      <source>Your password was set by an administrator. Choose your own to continue.</source>
      <translation>관리자가 설정한 비밀번호입니다. 계속하려면 본인의 비밀번호를 새로 정하십시오.</translation>
    </message>
  </context>
  <context>
    <name>StationAdapter</name>
    <message>
      <location filename="station_app/gui/adapter.py" line="151" />
      <source>Cannot read the station status: {0}</source>
      <translation>검사대 상태를 읽을 수 없습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/adapter.py" line="164" />
      <source>Cannot read the sync status: {0}</source>
      <translation>동기화 상태를 읽을 수 없습니다: {0}</translation>
    </message>
  </context>
  <context>
    <name>StationStatusBar</name>
    <message>
      <location filename="station_app/gui/status_bar.py" line="153" />
      <source> · new settings v{0} at restart</source>
      <translation> · 새 설정 v{0} (재시작 시 적용)</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="147" />
      <source> · {0} queued</source>
      <translation> · {0}건 대기</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="151" />
      <source> · {0} rejected</source>
      <translation> · {0}건 거부</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="149" />
      <source>, oldest {0}</source>
      <translation>, 최장 {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="106" />
      <source>Belt stopped</source>
      <translation>컨베이어 정지</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="104" />
      <source>Belt {0:.2f} m/s</source>
      <translation>컨베이어 {0:.2f} m/s</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="85" />
      <source>Belt: —</source>
      <translation>컨베이어: —</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="112" />
      <source>Calibrated {0:.1f} h ago</source>
      <translation>교정 후 {0:.1f} h 경과</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="86" />
      <source>Calibration: —</source>
      <translation>교정: —</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="230" />
      <source>Central service: {0}</source>
      <translation>중앙 서버: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="89" />
      <source>Central: —</source>
      <translation>중앙 서버: —</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="88" />
      <source>Detector: —</source>
      <translation>탐지기: —</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="131" />
      <source>Item detector: {0}</source>
      <translation>물품 탐지기: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="245" />
      <source>Last error: {0}</source>
      <translation>마지막 오류: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="240" />
      <source>Last manifest pull: {0}</source>
      <translation>마지막 적하목록 수신: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="239" />
      <source>Last successful send: {0}</source>
      <translation>마지막 전송 성공: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="139" />
      <source>No central service is configured: results stay in the local outbox.</source>
      <translation>중앙 서버가 설정되지 않았습니다. 결과는 검사대의 송신 대기함에 보관됩니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="109" />
      <source>Not calibrated</source>
      <translation>교정 안 됨</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="234" />
      <source>Oldest unsent item: {0}</source>
      <translation>가장 오래된 미전송 항목: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="231" />
      <source>Outbox: {0} waiting, {1} rejected by central</source>
      <translation>송신 대기함: {0}건 대기, 중앙 서버 거부 {1}건</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="116" />
      <source>Processed {0}, failed {1}</source>
      <translation>처리 {0}, 실패 {1}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="87" />
      <source>Processed: —</source>
      <translation>처리: —</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="243" />
      <source>Rejected items wait for a supervisor: station-app outbox list</source>
      <translation>거부된 항목은 감독자 확인을 기다립니다: station-app outbox list</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="83" />
      <source>Scanner: —</source>
      <translation>스캐너: —</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="160" />
      <source>Undecided: {0}</source>
      <translation>미판정: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="160" />
      <source>Undecided: —</source>
      <translation>미판정: —</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="101" />
      <source>X-RAY ON</source>
      <translation>엑스레이 조사 중</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="101" />
      <source>X-ray off</source>
      <translation>엑스레이 꺼짐</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="84" />
      <source>X-ray: —</source>
      <translation>엑스레이: —</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="218" />
      <source>degraded</source>
      <translation>불안정</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="202" />
      <source>detector off</source>
      <translation>탐지기 꺼짐</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="204" />
      <source>detector unavailable</source>
      <translation>탐지기 사용 불가</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="213" />
      <source>fault</source>
      <translation>고장</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="212" />
      <source>fault: {0}</source>
      <translation>고장: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="224" />
      <source>never</source>
      <translation>없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="235" />
      <source>none</source>
      <translation>없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="218" />
      <source>offline</source>
      <translation>오프라인</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="218" />
      <source>online</source>
      <translation>온라인</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="213" />
      <source>running</source>
      <translation>가동 중</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="213" />
      <source>stopped</source>
      <translation>정지</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="225" />
      <source>{0} ago</source>
      <translation>{0} 전</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="196" />
      <source>{0} d</source>
      <translation>{0}일</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="195" />
      <source>{0} h</source>
      <translation>{0}시간</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="193" />
      <source>{0} min</source>
      <translation>{0}분</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="237" />
      <source>{0} old</source>
      <translation>{0} 경과</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="205" />
      <source>{0} on {1}</source>
      <translation>{0} ({1})</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="191" />
      <source>{0} s</source>
      <translation>{0}초</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="98" />
      <source>{0}: {1}</source>
      <translation>{0}: {1}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="137" />
      <source>● Central: not configured</source>
      <translation>● 중앙 서버: 설정 안 됨</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="145" />
      <source>● Central: {0}</source>
      <translation>● 중앙 서버: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="127" />
      <location filename="station_app/gui/status_bar.py" line="166" />
      <source>⚠ {0}</source>
      <translation>⚠ {0}</translation>
    </message>
  </context>
  <context>
    <name>StationStatusWorkspace</name>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="54" />
      <source>Age</source>
      <translation>경과 시간</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="51" />
      <source>Belt</source>
      <translation>컨베이어 벨트</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="54" />
      <source>Calibration</source>
      <translation>교정</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="65" />
      <source>Calibration and tests: the Technician workspace (technicians only)</source>
      <translation>교정 및 시험: 기술자 작업 공간 (기술자 전용)</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="48" />
      <source>Driver</source>
      <translation>드라이버</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="63" />
      <source>Item detector</source>
      <translation>물품 탐지기</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="60" />
      <source>Last error</source>
      <translation>마지막 오류</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="63" />
      <source>Model</source>
      <translation>모델</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="112" />
      <source>ON</source>
      <translation>켜짐</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="58" />
      <source>Parcels processed / failed</source>
      <translation>처리 / 실패 소포</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="56" />
      <source>Processing</source>
      <translation>처리 현황</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="46" />
      <source>Scanner</source>
      <translation>스캐너</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="49" />
      <source>State</source>
      <translation>상태</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="59" />
      <source>Undecided parcels</source>
      <translation>미판정 소포</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="50" />
      <source>X-ray</source>
      <translation>엑스레이</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="90" />
      <location filename="station_app/gui/status_workspace.py" line="107" />
      <source>cannot be read: {0}</source>
      <translation>읽을 수 없음: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="120" />
      <source>no calibration</source>
      <translation>교정 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="131" />
      <source>none</source>
      <translation>없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="93" />
      <location filename="station_app/gui/status_workspace.py" line="112" />
      <source>off</source>
      <translation>꺼짐</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="114" />
      <source>running at {0:.2f} m/s</source>
      <translation>{0:.2f} m/s로 가동 중</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="116" />
      <source>stopped</source>
      <translation>정지</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="95" />
      <source>unavailable</source>
      <translation>사용 불가</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="39" />
      <source>unknown</source>
      <translation>알 수 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="128" />
      <source>{0:.1f} h</source>
      <translation>{0:.1f} h</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="123" />
      <source>{0:.1f} h — older than {1:.0f} h: recalibrate</source>
      <translation>{0:.1f} h — {1:.0f} h 초과: 재교정 필요</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="97" />
      <source>{0} on {1}</source>
      <translation>{0} ({1})</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="99" />
      <source>{0} — {1}</source>
      <translation>{0} — {1}</translation>
    </message>
  </context>
  <context>
    <name>SupervisorWorkspace</name>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="297" />
      <source>A reason of at least {0} characters is required.</source>
      <translation>사유를 {0}자 이상 입력해야 합니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="549" />
      <source>CSV files (*.csv)</source>
      <translation>CSV 파일 (*.csv)</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="294" />
      <source>Choose a verdict.</source>
      <translation>판정을 선택하십시오.</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="423" />
      <source>Custom</source>
      <translation>직접 지정</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="235" />
      <source>Decisions so far</source>
      <translation>지금까지의 판정</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="446" />
      <source>Export CSV…</source>
      <translation>CSV 내보내기…</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="445" />
      <source>Export PDF…</source>
      <translation>PDF 내보내기…</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="548" />
      <location filename="station_app/gui/supervisor_workspace.py" line="557" />
      <source>Export shift report</source>
      <translation>근무 교대 보고서 내보내기</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="143" />
      <source>From</source>
      <translation>시작</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="106" />
      <location filename="station_app/gui/supervisor_workspace.py" line="139" />
      <source>Inspector</source>
      <translation>검사관</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="422" />
      <source>Last 24 hours</source>
      <translation>최근 24시간</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="422" />
      <source>Last 7 days</source>
      <translation>최근 7일</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="421" />
      <source>Last 8 hours</source>
      <translation>최근 8시간</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="105" />
      <source>Level</source>
      <translation>위험 분류</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="138" />
      <source>Level (RED first)</source>
      <translation>위험 분류 (RED 먼저)</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="137" />
      <source>Newest first</source>
      <translation>최신순</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="279" />
      <source>No decision yet.</source>
      <translation>아직 판정이 없습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="134" />
      <source>Not yet reviewed only</source>
      <translation>미검토 건만</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="137" />
      <source>Oldest first</source>
      <translation>오래된 순</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="549" />
      <source>PDF files (*.pdf)</source>
      <translation>PDF 파일 (*.pdf)</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="248" />
      <source>Reason (required; kept in the audit trail)</source>
      <translation>사유 (필수, 감사 기록에 보관됨)</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="106" />
      <source>Reasons</source>
      <translation>사유</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="252" />
      <source>Record review</source>
      <translation>검토 결과 기록</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="255" />
      <source>Record review (Ctrl+Enter)</source>
      <translation>검토 결과 기록 (Ctrl+Enter)</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="141" />
      <source>Refresh</source>
      <translation>새로 고침</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="106" />
      <location filename="station_app/gui/supervisor_workspace.py" line="227" />
      <source>Review</source>
      <translation>검토</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="401" />
      <source>Review not recorded: {0}</source>
      <translation>검토 결과가 기록되지 않았습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="408" />
      <source>Review of {0} recorded.</source>
      <translation>{0}의 검토 결과를 기록했습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="358" />
      <location filename="station_app/gui/supervisor_workspace.py" line="581" />
      <source>Review queue</source>
      <translation>검토 대기열</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="444" />
      <source>Show</source>
      <translation>조회</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="105" />
      <source>Started</source>
      <translation>검색 시각</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="105" />
      <location filename="station_app/gui/supervisor_workspace.py" line="138" />
      <source>Station</source>
      <translation>검사대</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="500" />
      <location filename="station_app/gui/supervisor_workspace.py" line="582" />
      <source>Statistics</source>
      <translation>통계</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="373" />
      <source>The image could not be loaded: {0}</source>
      <translation>영상을 불러올 수 없습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="359" />
      <source>The review queue could not be read: {0}</source>
      <translation>검토 대기열을 읽을 수 없습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="558" />
      <source>The shift report could not be written: {0}</source>
      <translation>근무 교대 보고서를 저장하지 못했습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="501" />
      <source>The statistics could not be computed: {0}</source>
      <translation>통계를 계산할 수 없습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="421" />
      <source>Today</source>
      <translation>오늘</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="105" />
      <source>Tracking id</source>
      <translation>운송장 번호</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="106" />
      <source>Verdict</source>
      <translation>판정</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="127" />
      <source>all inspectors (comma-separated)</source>
      <translation>모든 검사관 (쉼표로 구분)</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="125" />
      <source>all stations (comma-separated)</source>
      <translation>모든 검사대 (쉼표로 구분)</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="272" />
      <source>inspection</source>
      <translation>검사</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="272" />
      <source>review</source>
      <translation>검토</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="129" />
      <source>text in a reason, e.g. knife</source>
      <translation>사유에 포함된 문구 (예: knife)</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="145" />
      <source>to</source>
      <translation>~</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="206" />
      <source>undecided</source>
      <translation>미판정</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="120" />
      <source>until now</source>
      <translation>현재까지</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="215" />
      <source>{0} parcel(s)</source>
      <translation>소포 {0}건</translation>
    </message>
  </context>
  <context>
    <name>TechnicianWorkspace</name>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="613" />
      <source>%1 dead, %2 noisy (dead: gain &lt; %3 × median; noisy: noise &gt; %4 × median)</source>
      <translation>데드 픽셀 %1개, 노이즈 픽셀 %2개 (데드: 이득 &lt; 중앙값 × %3, 노이즈: 잡음 &gt; 중앙값 × %4)</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="542" />
      <source>%1 — %2/day</source>
      <translation>%1 — 하루 %2</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="318" />
      <source>1. Calibrate (dark, air, step wedge)</source>
      <translation>1. 교정 (다크, 에어, 스텝 웨지)</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="321" />
      <source>2. Verify (air check, test piece)</source>
      <translation>2. 검증 (에어 점검, 시험편)</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="324" />
      <source>Accept</source>
      <translation>승인</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="667" />
      <source>Achieved</source>
      <translation>측정값</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="271" />
      <source>Another scan is still running.</source>
      <translation>다른 스캔이 아직 진행 중입니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="572" />
      <source>Belt</source>
      <translation>컨베이어 벨트</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="381" />
      <source>Calibrating…</source>
      <translation>교정 중…</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="209" />
      <source>Calibration</source>
      <translation>교정</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="413" />
      <source>Calibration %1 accepted and stored.</source>
      <translation>교정 %1을(를) 승인하고 저장했습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="354" />
      <source>Calibration history</source>
      <translation>교정 이력</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="434" />
      <source>Calibration rejected; the current one stays in use.</source>
      <translation>교정을 반려했습니다. 현재 교정을 계속 사용합니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="563" />
      <source>Channel</source>
      <translation>채널</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="359" />
      <source>Dark noise</source>
      <translation>다크 잡음</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="536" />
      <location filename="station_app/gui/technician_workspace.py" line="598" />
      <source>Dark noise (counts)</source>
      <translation>다크 잡음 (카운트)</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="596" />
      <source>Dark offset (counts)</source>
      <translation>다크 오프셋 (카운트)</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="358" />
      <location filename="station_app/gui/technician_workspace.py" line="678" />
      <source>Date</source>
      <translation>일시</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="358" />
      <source>Dead</source>
      <translation>데드</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="535" />
      <source>Dead pixels</source>
      <translation>데드 픽셀</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="210" />
      <source>Diagnostics</source>
      <translation>진단</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="589" />
      <source>Diagnostics unavailable: %1</source>
      <translation>진단 정보를 사용할 수 없습니다: %1</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="670" />
      <source>Element</source>
      <translation>요소</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="696" />
      <location filename="station_app/gui/technician_workspace.py" line="705" />
      <location filename="station_app/gui/technician_workspace.py" line="726" />
      <source>FAIL</source>
      <translation>불합격</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="679" />
      <source>Failed tests</source>
      <translation>불합격 시험</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="288" />
      <source>Failed: %1</source>
      <translation>실패: %1</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="574" />
      <source>Faults</source>
      <translation>고장</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="491" />
      <source>Flat-field residual per pixel (A in air)</source>
      <translation>픽셀별 플랫필드 잔차 (에어 상태 A)</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="359" />
      <source>Gain</source>
      <translation>이득</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="537" />
      <source>Gain (counts)</source>
      <translation>이득 (카운트)</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="597" />
      <source>Gain: air − dark (counts)</source>
      <translation>이득: 에어 − 다크 (카운트)</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="517" />
      <source>History unavailable: %1</source>
      <translation>이력을 사용할 수 없습니다: %1</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="211" />
      <source>Image quality</source>
      <translation>화질</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="675" />
      <source>Image-quality history</source>
      <translation>화질 시험 이력</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="700" />
      <source>Image-quality test stored.</source>
      <translation>화질 시험 결과를 저장했습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="573" />
      <source>Interlocks</source>
      <translation>인터록</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="563" />
      <source>Kind</source>
      <translation>유형</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="575" />
      <source>Line rate (measured / nominal)</source>
      <translation>라인 속도 (측정 / 정격)</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="574" />
      <source>Lines acquired / dropped</source>
      <translation>수집 / 누락 라인</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="358" />
      <source>Noisy</source>
      <translation>노이즈</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="670" />
      <source>OK</source>
      <translation>적합</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="641" />
      <source>OPEN</source>
      <translation>열림</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="358" />
      <location filename="station_app/gui/technician_workspace.py" line="678" />
      <source>Operator</source>
      <translation>작업자</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="697" />
      <source>Overall: %1</source>
      <translation>종합 판정: %1</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="696" />
      <location filename="station_app/gui/technician_workspace.py" line="705" />
      <location filename="station_app/gui/technician_workspace.py" line="726" />
      <source>PASS</source>
      <translation>합격</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="234" />
      <source>Pause screening</source>
      <translation>검색 일시 중지</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="563" />
      <source>Pixel</source>
      <translation>픽셀</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="482" />
      <source>Proposal: ACCEPT — every check passed.</source>
      <translation>제안: 승인 — 모든 점검 항목 합격.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="484" />
      <source>Proposal: REJECT — %1</source>
      <translation>제안: 반려 — %1</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="678" />
      <source>Purpose</source>
      <translation>목적</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="563" />
      <source>Reason</source>
      <translation>사유</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="425" />
      <source>Reason (kept in the audit trail):</source>
      <translation>사유 (감사 기록에 보관됨):</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="327" />
      <source>Reject</source>
      <translation>반려</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="425" />
      <source>Reject calibration</source>
      <translation>교정 거부</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="553" />
      <source>Reload from the stored calibration</source>
      <translation>저장된 교정에서 다시 불러오기</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="668" />
      <source>Required</source>
      <translation>기준값</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="342" />
      <location filename="station_app/gui/technician_workspace.py" line="667" />
      <location filename="station_app/gui/technician_workspace.py" line="678" />
      <source>Result</source>
      <translation>결과</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="234" />
      <source>Resume screening</source>
      <translation>검색 재개</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="659" />
      <source>Run image-quality test</source>
      <translation>화질 시험 실행</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="568" />
      <source>Scanner (live)</source>
      <translation>스캐너 (실시간)</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="690" />
      <source>Scanning the test piece…</source>
      <translation>시험편 스캔 중…</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="229" />
      <source>Screening parcels: the scanner is in use.</source>
      <translation>소포 검색 중: 스캐너 사용 중입니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="243" />
      <source>Screening paused.</source>
      <translation>검색을 일시 중지했습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="231" />
      <source>Screening paused: the scanner is free for calibration and tests.</source>
      <translation>검색 일시 중지: 스캐너를 교정과 시험에 사용할 수 있습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="246" />
      <source>Screening resumed.</source>
      <translation>검색을 재개했습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="575" />
      <source>Serial link</source>
      <translation>직렬 통신</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="461" />
      <source>Start a calibration to see its checks.</source>
      <translation>교정을 시작하면 점검 결과가 표시됩니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="342" />
      <source>Status</source>
      <translation>상태</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="342" />
      <source>Step</source>
      <translation>단계</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="400" />
      <source>Step %1 failed: %2</source>
      <translation>%1 단계 실패: %2</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="403" />
      <source>Step finished.</source>
      <translation>단계를 마쳤습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="492" />
      <source>Step wedge: leave-one-out Zeff error (%)</source>
      <translation>스텝 웨지: 교차 검증(LOO) 유효 원자번호 오차 (%)</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="573" />
      <source>Temperatures</source>
      <translation>온도</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="667" />
      <source>Test</source>
      <translation>시험</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="480" />
      <source>This attempt is finished.</source>
      <translation>이번 교정 시도는 종료되었습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="572" />
      <source>Tube</source>
      <translation>튜브</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="671" />
      <source>Value</source>
      <translation>값</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="392" />
      <source>Verifying…</source>
      <translation>검증 중…</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="359" />
      <source>Wedge worst</source>
      <translation>웨지 최대 오차</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="572" />
      <source>X-rays</source>
      <translation>엑스레이</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="441" />
      <source>air</source>
      <translation>에어</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="641" />
      <source>closed</source>
      <translation>닫힘</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="440" />
      <source>dark</source>
      <translation>다크</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="451" />
      <source>done</source>
      <translation>완료</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="466" />
      <source>fail</source>
      <translation>불합격</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="452" />
      <source>failed</source>
      <translation>실패</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="603" />
      <source>high energy</source>
      <translation>고에너지</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="603" />
      <source>low energy</source>
      <translation>저에너지</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="719" />
      <source>no</source>
      <translation>아니요</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="651" />
      <source>no serial link</source>
      <translation>직렬 통신 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="645" />
      <source>none</source>
      <translation>없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="632" />
      <source>off</source>
      <translation>꺼짐</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="632" />
      <source>on</source>
      <translation>켜짐</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="466" />
      <source>pass</source>
      <translation>합격</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="449" />
      <source>pending</source>
      <translation>대기</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="499" />
      <location filename="station_app/gui/technician_workspace.py" line="609" />
      <source>pixel</source>
      <translation>픽셀</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="450" />
      <source>running</source>
      <translation>진행 중</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="637" />
      <source>tube %1 °C, detector %2 °C</source>
      <translation>튜브 %1 °C, 검출기 %2 °C</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="443" />
      <source>verification</source>
      <translation>검증</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="442" />
      <source>wedge</source>
      <translation>웨지</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="719" />
      <source>yes</source>
      <translation>예</translation>
    </message>
  </context>
</TS>
